import type { Command, CommandKind } from '../contracts/command';
import type { JsonObject } from '../contracts/json';
import { ParticipantOptionsError } from './errors';

/** Structured logging: a message plus the fields that scope it (saga id, step, message id…). */
export interface ParticipantLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What a handler knows about the command it handles, besides its payload. */
export interface CommandContext {
  sagaId: string;
  sagaName: string;
  sagaVersion: number;
  step: string;
  kind: CommandKind;
  /** 1 for the first attempt; every attempt is a new message with the same `idempotencyKey`. */
  attempt: number;
  /** Same for every attempt of this step and kind: deduplicate on it. */
  idempotencyKey: string;
  correlationId: string;
  messageId: string;
  /** When the engine stops waiting for this attempt's reply. */
  deadline: Date;
  /** The whole command body. */
  command: Command;
  /** The message's AMQP headers (e.g. `traceparent`). */
  headers: Readonly<Record<string, unknown>>;
}

/**
 * Handles one command type. Returns the success reply's `output` (`undefined` means `{}`); throws
 * `BusinessError` for a final failure, `RetryableError` (or anything else) for one the engine may retry.
 */
export type CommandHandler = (
  payload: JsonObject,
  ctx: CommandContext,
) => Promise<JsonObject | void> | JsonObject | void;

export interface ParticipantOptions {
  /** Broker URL, e.g. `amqp://guest:guest@127.0.0.1:5672`. Required. */
  url: string;
  /** This participant's name, `[a-z0-9-]+`: it consumes queue `sagas.commands.<participant>`. Required. */
  participant: string;
  /** A handler per command type (a step's `action` or `compensation`). Required. */
  handlers: Record<string, CommandHandler>;
  /** Most commands handled at once (unacknowledged deliveries), 1 to 65535. Default 16. */
  prefetch?: number;
  /** Default: warnings and errors as JSON lines on stderr, info dropped. */
  logger?: ParticipantLogger;
}

/** Options checked once, with their defaults applied. */
export interface CompiledOptions {
  url: string;
  participant: string;
  handlers: ReadonlyMap<string, CommandHandler>;
  prefetch: number;
  logger: ParticipantLogger;
}

const participantName = /^[a-z0-9-]+$/;
const defaultPrefetch = 16;

/** Validates the options, listing every problem at once. */
export function compileOptions(options: ParticipantOptions): CompiledOptions {
  const problems: string[] = [];
  const { url, participant, handlers, prefetch = defaultPrefetch } = options;
  if (typeof url !== 'string' || url.length === 0) problems.push('url: is required');
  if (typeof participant !== 'string' || !participantName.test(participant)) {
    problems.push(`participant: must match [a-z0-9-]+ (got ${JSON.stringify(participant)})`);
  }
  if (!Number.isInteger(prefetch) || prefetch < 1 || prefetch > 65535) {
    problems.push(`prefetch: must be an integer from 1 to 65535 (got ${String(prefetch)})`);
  }
  const compiled = new Map<string, CommandHandler>();
  if (typeof handlers !== 'object' || handlers === null) {
    problems.push('handlers: is required (an object of functions by command type)');
  } else {
    for (const [type, handler] of Object.entries(handlers)) {
      if (typeof handler === 'function') compiled.set(type, handler);
      else problems.push(`handlers.${type}: must be a function`);
    }
  }
  if (problems.length > 0) {
    throw new ParticipantOptionsError(`invalid participant options:\n${problems.join('\n')}`);
  }
  return {
    url,
    participant,
    handlers: compiled,
    prefetch,
    logger: options.logger === undefined ? stderrLogger(participant) : neverThrowing(options.logger),
  };
}

/** A logger that throws must not break message handling. */
function neverThrowing(logger: ParticipantLogger): ParticipantLogger {
  const guard =
    (log: ParticipantLogger['info']): ParticipantLogger['info'] =>
    (message, fields) => {
      try {
        log.call(logger, message, fields);
      } catch {
        // logging is best effort
      }
    };
  return { info: guard(logger.info), warn: guard(logger.warn), error: guard(logger.error) };
}

function stderrLogger(participant: string): ParticipantLogger {
  const emit = (level: string, message: string, fields?: Record<string, unknown>): void => {
    const line = { time: new Date().toISOString(), level, participant, message, ...fields };
    process.stderr.write(`${JSON.stringify(line)}\n`);
  };
  return {
    info: () => undefined,
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}
