import { randomUUID } from 'node:crypto';

/** Time and ids come from here, so tests can control both. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type IdGenerator = () => string;

export const randomIds: IdGenerator = () => randomUUID();
