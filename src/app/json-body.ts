import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { errorBody } from '../api/error-body';
import { jsonNestingDepth } from 'saga-orchestrator-sdk/contracts';

/** Deepest nesting accepted in a request body (`{}` is one level); the same bound as a reply's. */
export const MAX_BODY_DEPTH = 64;

class BodyTooDeepError extends Error {
  readonly type = 'entity.too.deep';
}

/**
 * JSON body parsing with a size limit and a depth limit, the depth read from the raw bytes before the body is
 * parsed (nothing recursive ever sees a deeper value). Errors get the API's error shape (413, 400), not HTML.
 */
export function jsonBody(maxBytes: number): RequestHandler {
  const parse = express.json({
    limit: maxBytes,
    strict: false,
    verify: (_request, _response, raw) => {
      if (jsonNestingDepth(raw, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) throw new BodyTooDeepError();
    },
  });
  return (request: Request, response: Response, next: NextFunction) => {
    parse(request, response, (error?: unknown) => {
      if (error === undefined || error === null) return next();
      const { type, status } = error as { type?: string; status?: number };
      if (type === 'entity.too.large') {
        response.status(413).json(errorBody('PAYLOAD_TOO_LARGE', `request body exceeds ${maxBytes} bytes`));
      } else if (type === 'entity.too.deep') {
        response
          .status(400)
          .json(errorBody('BODY_TOO_DEEP', `request body is nested deeper than ${MAX_BODY_DEPTH} levels`));
      } else if (type === 'entity.parse.failed') {
        response.status(400).json(errorBody('MALFORMED_JSON', 'request body is not valid JSON'));
      } else {
        response.status(status ?? 400).json(errorBody('BAD_REQUEST', (error as Error).message));
      }
    });
  };
}
