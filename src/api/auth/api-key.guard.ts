import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { ApiKey, ApiRole } from '../../config/config';
import { ApiForbiddenError, ApiUnauthorizedError, RouteAccessUndeclaredError } from '../api-errors';
import { ACCESS_METADATA, Access } from './access';
import { type Caller, setCaller } from './caller';

interface HashedKey {
  digest: Buffer;
  role: ApiRole;
  fingerprint: string;
}

/**
 * Bearer keys (`API_KEYS`) on the route the request matched, read from the route's declared access — never from
 * the request's path, which can be spelled many ways. `read` keys may call read routes only.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: HashedKey[] | null;

  constructor(
    keys: ApiKey[] | null,
    private readonly reflector: Reflector,
  ) {
    this.keys =
      keys === null
        ? null
        : keys.map(({ key, role }) => {
            const digest = sha256(key);
            return { digest, role, fingerprint: digest.toString('hex').slice(0, 8) };
          });
  }

  canActivate(context: ExecutionContext): boolean {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access === undefined) throw new RouteAccessUndeclaredError();
    const request = context.switchToHttp().getRequest<Request>();
    if (access === Access.public) return true;
    if (this.keys === null) {
      setCaller(request, { fingerprint: null, role: 'admin' });
      return true;
    }
    const caller = this.callerOf(request.headers.authorization);
    if (caller === null) throw new ApiUnauthorizedError();
    if (access === Access.admin && caller.role !== 'admin') throw new ApiForbiddenError();
    setCaller(request, caller);
    return true;
  }

  /** Digests have equal length, so every comparison takes the same time; all keys are compared. */
  private callerOf(authorization: string | undefined): Caller | null {
    const match = /^Bearer (.+)$/.exec(authorization ?? '');
    if (match?.[1] === undefined) return null;
    const digest = sha256(match[1]);
    let found: HashedKey | null = null;
    for (const key of this.keys ?? []) {
      if (timingSafeEqual(key.digest, digest)) found = key;
    }
    return found === null ? null : { fingerprint: found.fingerprint, role: found.role };
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
