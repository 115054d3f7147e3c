import type { ErrorDetail } from '../core/errors';

/** The body of every error response (docs/rest-api.md). */
export interface ErrorBody {
  error: string;
  message: string;
  details?: ErrorDetail[];
}

export function errorBody(error: string, message: string, details?: ErrorDetail[]): ErrorBody {
  return details && details.length > 0 ? { error, message, details } : { error, message };
}
