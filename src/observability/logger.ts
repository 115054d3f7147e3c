import pino from 'pino';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { traceLogFields } from 'saga-orchestrator-sdk/internal/shared/trace-log-fields';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/**
 * The engine's logger: one JSON object per line on stdout (pino), fields at the top level next to `msg`.
 * Authorization headers and API keys are never passed in; `authorization` fields are redacted anyway. A line
 * written while a span is active carries its `trace_id` and `span_id`.
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const log = pino(
    {
      level,
      base: { component: 'engine' },
      redact: ['authorization', '*.authorization'],
      // A fresh object: pino merges the line's fields into it.
      mixin: () => ({ ...traceLogFields() }),
    },
    destination,
  );
  return {
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
    error: (message, fields) => log.error(fields ?? {}, message),
    debug: (message, fields) => log.debug(fields ?? {}, message),
  };
}
