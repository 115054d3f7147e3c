import type { Access } from '../auth/access';
import type { JsonSchema } from './json-schemas';
import type { ResponseComponent } from './response-components';

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503;

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'invalid request; `details` names each failing field',
  401: 'missing or wrong API key',
  403: 'this key may only read',
  404: 'not found',
  409: 'conflict with the current state',
  413: 'body larger than MAX_BODY_BYTES',
  422: 'unprocessable',
  429: 'rate limited; see Retry-After',
  500: 'internal error (logged with its stack; never in the body)',
  503: 'a dependency is unavailable; retry later',
};

export const componentRef = (name: ResponseComponent) => ({ $ref: `#/components/schemas/${name}` });

/** Every response carries the request id, the caller's `X-Request-Id` or one made for it. */
const responseHeaders = { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };

export function jsonResponse(description: string, schema: ResponseComponent | JsonSchema) {
  return {
    description,
    headers: responseHeaders,
    content: { 'application/json': { schema: typeof schema === 'string' ? componentRef(schema) : schema } },
  };
}

export function textResponse(description: string) {
  return { description, headers: responseHeaders, content: { 'text/plain': { schema: { type: 'string' } } } };
}

export function emptyResponse(description: string) {
  return { description, headers: responseHeaders };
}

export function errorResponse(status: ErrorStatus, description = ERROR_DESCRIPTIONS[status]) {
  const response = jsonResponse(description, 'Error');
  if (status !== 429 && status !== 503) return response;
  return {
    ...response,
    headers: { ...responseHeaders, 'Retry-After': { $ref: '#/components/headers/RetryAfter' } },
  };
}

export function errorResponses(...statuses: ErrorStatus[]) {
  return Object.fromEntries(statuses.map((status) => [String(status), errorResponse(status)]));
}

export interface OperationSpec {
  summary: string;
  access: Access;
  parameters?: JsonSchema[];
  /** The request body's schema, and whether it may be left out. */
  body?: { schema: JsonSchema; optional?: boolean };
  responses: Record<string, unknown>;
}

/**
 * An operation with what every route shares: `X-Request-Id`, 500, and the key errors its access implies (401 for
 * a key route, 403 for an admin one); a body may be malformed or too large (400, 413).
 */
export function operation(spec: OperationSpec): JsonSchema {
  const keyed = spec.access !== 'public';
  return {
    summary: spec.access === 'admin' ? `${spec.summary} (admin)` : spec.summary,
    ...(keyed ? {} : { security: [] }),
    parameters: [...(spec.parameters ?? []), { $ref: '#/components/parameters/RequestId' }],
    ...(spec.body === undefined
      ? {}
      : {
          requestBody: {
            required: spec.body.optional !== true,
            content: { 'application/json': { schema: spec.body.schema } },
          },
        }),
    // Status codes are integer keys: JavaScript keeps them in ascending order whatever the order here.
    responses: {
      ...(spec.body === undefined ? {} : errorResponses(400, 413)),
      ...(keyed ? errorResponses(401) : {}),
      ...(spec.access === 'admin' ? errorResponses(403) : {}),
      ...errorResponses(500),
      ...spec.responses,
    },
  };
}

export const pathParameter = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description,
});

export const sagaIdParameter = pathParameter('id', 'saga id');
