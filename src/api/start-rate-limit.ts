import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { errorBody } from './error-body';
import { TokenBuckets } from './token-bucket';

/**
 * Limits `POST /api/sagas` per API key (per client address when the API is open): 429 with Retry-After beyond
 * the rate. Counted per engine instance.
 */
export function startRateLimit(ratePerSecond: number, burst: number): RequestHandler {
  const buckets = new TokenBuckets(ratePerSecond, burst);
  return (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'POST' || request.path !== '/api/sagas') return next();
    const caller = request.headers.authorization ?? `ip:${request.ip ?? 'unknown'}`;
    const waitMs = buckets.take(caller, Date.now());
    if (waitMs === 0) return next();
    response.setHeader('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
    response
      .status(429)
      .json(
        errorBody(
          'RATE_LIMITED',
          `too many sagas started; at most ${ratePerSecond} per second (burst ${burst})`,
        ),
      );
  };
}
