import { z } from 'zod';
import { WireLimits, unstorableText } from 'saga-orchestrator-sdk/contracts';

/** Text PostgreSQL can store, at most `max` characters. */
export const storableText = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .check((ctx) => {
      const reason = unstorableText(ctx.value);
      if (reason !== null) ctx.issues.push({ code: 'custom', message: reason, input: ctx.value });
    });

/**
 * An id that travels in commands (`correlation_id`, `causation_id`): the wire's id limit, and at most 255 bytes,
 * because a command carries its correlation id as an AMQP property too.
 */
export const wireId = () =>
  storableText(WireLimits.maxIdLength)
    .min(1, 'must not be empty')
    .refine((value) => Buffer.byteLength(value) <= 255, 'must be at most 255 bytes in UTF-8');

/** Saga names, step names: what definition files allow. */
export const nameValue = () => storableText(100).min(1, 'must not be empty');

/** A stored version: a positive integer PostgreSQL's `integer` holds. */
export const versionValue = () =>
  z.coerce
    .number()
    .int('must be an integer')
    .positive('must be positive')
    .max(2_147_483_647, 'must be at most 2147483647');

/** Years PostgreSQL and `Date#toISOString` agree on (year 0 exists for one and not the other). */
const MIN_TIME = Date.UTC(1, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Whether a time can be stored and sent as `toISOString()`: a UTC year from 1 to 9999. */
export function isStorableTime(date: Date): boolean {
  const time = date.getTime();
  return !Number.isNaN(time) && time >= MIN_TIME && time <= MAX_TIME;
}

/** An ISO 8601 date-time with an offset, in the years PostgreSQL stores, as a Date. */
export const timestampValue = () =>
  z.iso
    .datetime({
      offset: true,
      error: 'must be an ISO 8601 date-time with an offset, e.g. 2026-01-31T12:00:00Z',
    })
    .transform((value) => new Date(value))
    .refine(isStorableTime, 'must be between the years 1 and 9999 (UTC)');

/** A header value the engine keeps: visible ASCII and spaces (HTTP allows more; nothing here needs it). */
export const headerValue = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(/^[\x20-\x7e]*$/, 'must be printable ASCII');
