import type { Request, Response } from 'express';
import type { IdGenerator } from '../shared/clock';
import { headerValue } from './bounded-values';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** What a start accepts as `X-Request-Id`; anything else (empty, too long, not printable ASCII) is replaced. */
const acceptedRequestId = headerValue(200).min(1);

const requestIds = new WeakMap<Request, string>();

/**
 * Names the request: its `X-Request-Id` when it is one the API accepts, else a new id. The id is kept for the
 * access log and the error filter, and returned in the response's `X-Request-Id`. The request's own headers are
 * left as they are: a start's causation id stays what the caller sent (CONTRACT §3).
 */
export function assignRequestId(request: Request, response: Response, newId: IdGenerator): string {
  const sent = acceptedRequestId.safeParse(request.headers['x-request-id']);
  const id = sent.success ? sent.data : newId();
  requestIds.set(request, id);
  response.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

export function requestIdOf(request: Request): string | undefined {
  return requestIds.get(request);
}
