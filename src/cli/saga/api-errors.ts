import { z } from 'zod';

export interface ErrorDetail {
  path: string;
  message: string;
}

/** The API answered with an error (CONTRACT §4): its HTTP status, `error` code, `message` and `details`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
  }
}

/** No HTTP answer at all: the engine is down, the address is wrong, or it did not answer in time. */
export class ApiUnreachableError extends Error {
  override readonly name = 'ApiUnreachableError';
}

/** The API answered, but not with the shape this command relies on (another engine release, a proxy…). */
export class UnexpectedResponseError extends Error {
  override readonly name = 'UnexpectedResponseError';
}

export const errorBodySchema = z.object({
  error: z.string(),
  message: z.string(),
  details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/** What `saga` writes to stderr for an API error: `CODE: message`, then each detail as `  path: message`. */
export function apiErrorLines(error: ApiError): string[] {
  return [
    `${error.code}: ${error.message}`,
    ...error.details.map(({ path, message }) => `  ${path === '' ? message : `${path}: ${message}`}`),
  ];
}
