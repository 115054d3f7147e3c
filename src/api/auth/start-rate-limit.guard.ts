import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { RateLimitedError } from '../api-errors';
import { START_RATE_LIMITED_METADATA } from './access';
import { callerOf } from './caller';
import { TokenBuckets } from './token-buckets';

export interface StartRateLimit {
  perSecond: number;
  burst: number;
}

/**
 * Limits how many sagas one caller starts per second, per engine process (`START_RATE_LIMIT`, off by default).
 * Runs after the key guard, so a caller is its key (by fingerprint); on an open API, its address (`TRUST_PROXY`
 * decides whether a proxy's `X-Forwarded-For` counts). Requests without a valid key never reach it.
 */
@Injectable()
export class StartRateLimitGuard implements CanActivate {
  private readonly buckets: TokenBuckets | null;

  constructor(
    private readonly limit: StartRateLimit | null,
    private readonly reflector: Reflector,
  ) {
    this.buckets = limit === null ? null : new TokenBuckets(limit.perSecond, limit.burst);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.buckets === null || this.limit === null) return true;
    const limited = this.reflector.get<boolean | undefined>(
      START_RATE_LIMITED_METADATA,
      context.getHandler(),
    );
    if (limited !== true) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const fingerprint = callerOf(request)?.fingerprint ?? null;
    const caller = fingerprint === null ? `address:${request.ip ?? 'unknown'}` : `key:${fingerprint}`;
    const waitMs = this.buckets.take(caller, Date.now());
    if (waitMs === 0) return true;
    const response = context.switchToHttp().getResponse<Response>();
    response.setHeader('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
    throw new RateLimitedError(this.limit.perSecond, this.limit.burst);
  }
}
