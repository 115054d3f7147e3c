import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { ApiKey, ApiRole } from '../config/config';
import { ApiForbiddenError, ApiUnauthorizedError } from './api-errors';

interface HashedKey {
  digest: Buffer;
  role: ApiRole;
}

/** CONTRACT §5: Bearer keys on every /api route; `read` keys may only GET. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: HashedKey[] | null;

  constructor(keys: ApiKey[] | null) {
    this.keys = keys === null ? null : keys.map(({ key, role }) => ({ digest: sha256(key), role }));
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (this.keys === null || !request.path.startsWith('/api')) return true;
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    const role = match?.[1] === undefined ? null : this.roleOf(match[1]);
    if (role === null) throw new ApiUnauthorizedError();
    if (role === 'read' && request.method !== 'GET' && request.method !== 'HEAD')
      throw new ApiForbiddenError();
    return true;
  }

  /** Digests have equal length, so every comparison takes the same time; all keys are compared. */
  private roleOf(presented: string): ApiRole | null {
    const digest = sha256(presented);
    let role: ApiRole | null = null;
    for (const key of this.keys ?? []) {
      if (timingSafeEqual(key.digest, digest)) role = key.role;
    }
    return role;
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
