/**
 * Structured logging: a message plus the fields that scope it (saga id, step, message id…). The engine logs with
 * pino (observability/logger); a participant passes any object of this shape to the SDK.
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Detail for diagnosing (off at the default level); a logger without it drops such lines. */
  debug?(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
