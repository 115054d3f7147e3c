import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IdGenerator } from '../shared/clock';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { matchedRoute } from './matched-route';
import { assignRequestId } from './request-id';

/**
 * One line per request once its response is done: method, route pattern, status, duration and request id.
 * `aborted` when the client went away before the whole response was written.
 */
export function accessLog(logger: Logger, newId: IdGenerator): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const requestId = assignRequestId(request, response, newId);
    response.once('close', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info('request', {
        method: request.method,
        route: matchedRoute(request),
        status: response.statusCode,
        durationMs: Math.round(durationMs * 10) / 10,
        requestId,
        ...(response.writableFinished ? {} : { aborted: true }),
      });
    });
    next();
  };
}
