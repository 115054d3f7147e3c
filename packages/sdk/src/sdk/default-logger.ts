import type { Logger } from '../shared/logger';
import { traceLogFields } from '../shared/trace-log-fields';

/**
 * The logger given, made unable to throw (a logger that throws must not break message handling), or the default;
 * either way a line logged while a span is active (a command being handled) carries its `trace_id` and `span_id`.
 */
export function consumerLogger(given: Logger | undefined, scope: Record<string, string>): Logger {
  return given === undefined ? stderrLogger(scope) : neverThrowing(given);
}

function neverThrowing(logger: Logger): Logger {
  const guard =
    (log: Logger['info']): Logger['info'] =>
    (message, fields) => {
      try {
        log.call(logger, message, withTrace(fields));
      } catch {
        // logging is best effort
      }
    };
  return { info: guard(logger.info), warn: guard(logger.warn), error: guard(logger.error) };
}

/** Warnings and errors as JSON lines on stderr, each with `scope` (who logs it); info is dropped. */
function stderrLogger(scope: Record<string, string>): Logger {
  const emit = (level: string, message: string, fields?: Record<string, unknown>): void => {
    const line = { time: new Date().toISOString(), level, ...scope, message, ...withTrace(fields) };
    process.stderr.write(`${JSON.stringify(line)}\n`);
  };
  return {
    info: () => undefined,
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}

/** The fields, with the active span's ids when there is one (the fields object as given otherwise). */
function withTrace(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const trace = traceLogFields();
  return trace.trace_id === undefined ? fields : { ...fields, ...trace };
}
