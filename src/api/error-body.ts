import type { ErrorDetail } from '../core/errors';
import type { ErrorBody } from './responses/error';

export type { ErrorBody } from './responses/error';

/** The body of every error response (docs/rest-api.md). */
export function errorBody(error: string, message: string, details?: ErrorDetail[]): ErrorBody {
  return details && details.length > 0 ? { error, message, details } : { error, message };
}
