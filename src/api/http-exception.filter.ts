import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SagaEngineError } from '../core/errors';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { isRefusedValue } from '../persistence/sql-errors';
import { errorBody } from './error-body';
import { matchedRoute } from './matched-route';
import { requestIdOf } from './request-id';

/** The HTTP status of every engine error code; a code missing here is a bug and answers 500. */
const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  VALIDATION_FAILED: HttpStatus.BAD_REQUEST,
  UNAUTHORIZED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  DEFINITION_NOT_FOUND: HttpStatus.NOT_FOUND,
  SAGA_NOT_FOUND: HttpStatus.NOT_FOUND,
  STEP_NOT_FOUND: HttpStatus.NOT_FOUND,
  DEAD_LETTER_NOT_FOUND: HttpStatus.NOT_FOUND,
  IDEMPOTENCY_CONFLICT: HttpStatus.CONFLICT,
  SAGA_STATUS_CONFLICT: HttpStatus.CONFLICT,
  DEAD_LETTER_NOT_REPLAYABLE: HttpStatus.CONFLICT,
  MIGRATION_REFUSED: HttpStatus.CONFLICT,
  DEFINITIONS_INVALID: HttpStatus.UNPROCESSABLE_ENTITY,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
  UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  SAGA_KEPT_CHANGING: HttpStatus.SERVICE_UNAVAILABLE,
  SAGA_VERSION_MISSING: HttpStatus.CONFLICT,
};

const codeOfHttpStatus: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** The one place where errors become HTTP responses; never a stack trace. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof SagaEngineError) {
      const status = STATUS_OF_CODE[exception.code] ?? HttpStatus.INTERNAL_SERVER_ERROR;
      if (status === HttpStatus.INTERNAL_SERVER_ERROR) {
        this.logger.error('engine error without an HTTP status', {
          ...requestScope(host.switchToHttp().getRequest<Request>()),
          code: exception.code,
          error: exception.message,
          stack: exception.stack,
        });
      }
      // A retryable error says when to try again, unless the error set it already (a rate limit does).
      if (exception.retryable && !response.hasHeader('Retry-After')) response.setHeader('Retry-After', '1');
      response.status(status).json(errorBody(exception.code, exception.message, exception.details));
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status >= HttpStatus.INTERNAL_SERVER_ERROR) {
        this.logger.error('HTTP error in request', {
          ...requestScope(host.switchToHttp().getRequest<Request>()),
          status,
          error: exception.message,
          stack: exception.stack,
        });
      }
      const message = status === 404 ? 'no such route' : exception.message;
      response.status(status).json(errorBody(codeOfHttpStatus[status] ?? 'HTTP_ERROR', message));
      return;
    }
    if (isRefusedValue(exception)) {
      // Starts are written one by one once a batch fails this way, so the value is this request's own.
      this.logger.warn('request refused by PostgreSQL', { error: (exception as Error).message });
      response
        .status(400)
        .json(errorBody('INVALID_VALUE', `PostgreSQL refused a value: ${(exception as Error).message}`));
      return;
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn('request failed: database unavailable', { error: (exception as Error).message });
      response.status(503).json(errorBody('UNAVAILABLE', 'the database is unavailable; retry later'));
      return;
    }
    this.logger.error('unhandled error in request', {
      ...requestScope(host.switchToHttp().getRequest<Request>()),
      error: exception instanceof Error ? exception.message : String(exception),
      stack: exception instanceof Error ? exception.stack : undefined,
    });
    response.status(500).json(errorBody('INTERNAL', 'internal error'));
  }
}

/** Which request failed, to find its access log line: the request id, method and route pattern. */
function requestScope(request: Request): Record<string, unknown> {
  return { requestId: requestIdOf(request), method: request.method, route: matchedRoute(request) };
}

/** Connection refused or lost, or the server shutting down (SQLSTATE classes 08 and 57P). */
function isDatabaseUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (
    typeof code === 'string' &&
    (code.startsWith('08') || code.startsWith('57P') || code === 'ECONNREFUSED')
  ) {
    return true;
  }
  return typeof message === 'string' && /Connection terminated|ECONNREFUSED|ECONNRESET/.test(message);
}
