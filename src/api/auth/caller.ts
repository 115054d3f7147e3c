import type { Request } from 'express';
import type { ApiRole } from '../../config/config';

/** Who made a request, once the key guard has checked it. */
export interface Caller {
  /** The first 8 hex digits of the key's SHA-256, never the key; null on an open API. */
  fingerprint: string | null;
  role: ApiRole;
}

const callers = new WeakMap<Request, Caller>();

export function setCaller(request: Request, caller: Caller): void {
  callers.set(request, caller);
}

export function callerOf(request: Request): Caller | undefined {
  return callers.get(request);
}

/** The acting key's fingerprint, as the saga log keeps it; null on an open API. */
export function actorOf(request: Request): string | null {
  return callerOf(request)?.fingerprint ?? null;
}
