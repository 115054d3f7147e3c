import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';

type LogLine = [message: string, fields: Record<string, unknown>];

/** A stack trace as V8 writes it: a first line, then `at …` lines. */
const STACK = /\n\s+at /;

/**
 * Nest calls `log(message, context)` and `error(message, stack, context)`: its context (a class name) comes last,
 * a stack before it. Anything else it passes is kept under `params`.
 */
export function nestLogLine(message: unknown, params: readonly unknown[]): LogLine {
  const rest = [...params];
  const fields: Record<string, unknown> = {};
  const last = rest.at(-1);
  if (typeof last === 'string' && !STACK.test(last)) {
    fields.context = last;
    rest.pop();
  }
  const stackAt = rest.findIndex((param) => typeof param === 'string' && STACK.test(param));
  if (stackAt >= 0) fields.stack = rest.splice(stackAt, 1)[0];
  if (rest.length > 0) fields.params = rest;
  if (message instanceof Error) {
    fields.stack ??= message.stack;
    return [message.message, fields];
  }
  return [typeof message === 'string' ? message : JSON.stringify(message), fields];
}

/** Nest's own lines (start-up, routes, its errors) go through the engine's logger, one JSON line each. */
export class NestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.logger.info(...nestLogLine(message, params));
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.logger.warn(...nestLogLine(message, params));
  }

  error(message: unknown, ...params: unknown[]): void {
    this.logger.error(...nestLogLine(message, params));
  }

  fatal(message: unknown, ...params: unknown[]): void {
    const [text, fields] = nestLogLine(message, params);
    this.logger.error(text, { ...fields, fatal: true });
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.logger.debug?.(...nestLogLine(message, params));
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.logger.debug?.(...nestLogLine(message, params));
  }
}
