import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

const DURATION_PATTERN = /^(\d+)(?:\.(\d+))?(ms|s|m|h|d)$/;
const EXPECTED = 'expected a number with a unit (ms, s, m, h) or an integer of milliseconds';
const EXPECTED_WITH_DAYS = 'expected a number with a unit (ms, s, m, h, d)';

/**
 * Definition files have no day unit (a step's limits are written in hours); the engine's configuration, whose
 * durations run to weeks (RETENTION), has one.
 */
export interface DurationUnits {
  days: boolean;
}
const FILE_UNITS: DurationUnits = { days: false };

export type DurationResult = { ok: true; ms: number } | { ok: false; message: string };

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a mapping';
  return String(value);
}

function invalidMessage(value: unknown, reason: string = EXPECTED): string {
  return `invalid duration ${describe(value)}: ${reason}`;
}

function invalid(value: unknown, reason?: string): DurationResult {
  return { ok: false, message: invalidMessage(value, reason) };
}

/** Exact decimal arithmetic: `1.5s` is 1500 ms, `1.5ms` is not a whole number of milliseconds. */
function parseText(text: string, units: DurationUnits): DurationResult {
  const match = DURATION_PATTERN.exec(text);
  if (!match || (match[3] === 'd' && !units.days)) {
    return invalid(text, units.days ? EXPECTED_WITH_DAYS : EXPECTED);
  }
  const [, whole = '', fraction = '', unit] = match;
  const scale = 10 ** fraction.length;
  const scaled = Number(whole + fraction) * UNIT_MS[unit as Unit];
  if (!Number.isSafeInteger(scaled)) return invalid(text, 'too large');
  if (scaled % scale !== 0) return invalid(text, 'not a whole number of milliseconds');
  return { ok: true, ms: scaled / scale };
}

/**
 * Parses a duration: a string with a unit (`250ms`, `1.5s`, `5m`, `2h`, and `30d` with `units.days`) or a
 * non-negative integer of milliseconds. Never negative; `10`, `10 s` and `-1s` as strings are rejected.
 */
export function parseDuration(value: unknown, units: DurationUnits = FILE_UNITS): DurationResult {
  if (typeof value === 'string') return parseText(value, units);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return { ok: true, ms: value };
  return invalid(value);
}

function durationMs(options: { allowZero: boolean }) {
  return z
    .union([z.string(), z.number()], { error: (issue) => invalidMessage(issue.input) })
    .transform((value, ctx) => {
      const result = parseDuration(value);
      if (!result.ok) {
        ctx.addIssue({ code: 'custom', message: result.message });
        return z.NEVER;
      }
      if (result.ms === 0 && !options.allowZero) {
        ctx.addIssue({ code: 'custom', message: invalidMessage(value, 'must be greater than 0') });
        return z.NEVER;
      }
      return result.ms;
    });
}

/** A duration in milliseconds, zero allowed (e.g. a backoff). */
export const durationSchema = durationMs({ allowZero: true });

/** A duration in milliseconds greater than zero (e.g. a timeout). */
export const positiveDurationSchema = durationMs({ allowZero: false });
