import { type Command, commandSchema } from '../contracts/command';
import { type JsonObject, jsonObjectSchema } from '../contracts/json';
import type { Reply, ReplyError } from '../contracts/reply';
import { BusinessError, ParticipantError } from './errors';
import type { CommandContext, CommandHandler, ParticipantLogger } from './options';
import { failureReply, successReply } from './replies';

/** What to do with one delivered message: reply to it, or move it to the dead-letter queue. */
export type Dispatch = { kind: 'reply'; reply: Reply } | { kind: 'dead-letter'; reason: string };

export interface DispatchEnvironment {
  handlers: ReadonlyMap<string, CommandHandler>;
  logger: ParticipantLogger;
  now: () => Date;
  newId: () => string;
}

export const FailureCode = {
  unknownCommand: 'UNKNOWN_COMMAND',
  handlerError: 'HANDLER_ERROR',
  invalidOutput: 'INVALID_OUTPUT',
} as const;

/** Parses and validates the message, runs its handler and builds the reply. Never throws. */
export async function dispatch(
  content: Buffer,
  headers: Readonly<Record<string, unknown>>,
  env: DispatchEnvironment,
): Promise<Dispatch> {
  const parsed = parseCommand(content);
  if (!parsed.ok) {
    env.logger.warn('message moved to the dead-letter queue', { reason: parsed.reason });
    return { kind: 'dead-letter', reason: parsed.reason };
  }
  const command = parsed.command;
  const scope = logScope(command);
  const handler = env.handlers.get(command.type);
  const stamp = () => ({ messageId: env.newId(), now: env.now() });
  if (handler === undefined) {
    const error = {
      code: FailureCode.unknownCommand,
      message: `no handler for command type ${JSON.stringify(command.type)}`,
      retryable: false,
    };
    env.logger.warn('command failed: no handler for its type', { ...scope, code: error.code });
    return { kind: 'reply', reply: failureReply(command, error, stamp()) };
  }

  const started = env.now().getTime();
  let result: unknown;
  try {
    result = await handler(command.payload, commandContext(command, headers));
  } catch (thrown) {
    const error = replyError(thrown);
    logFailure(env.logger, thrown, {
      ...scope,
      code: error.code,
      retryable: error.retryable,
      error: error.message,
    });
    return { kind: 'reply', reply: failureReply(command, error, stamp()) };
  }

  const output = toOutput(result);
  if (output === null) {
    const error = {
      code: FailureCode.invalidOutput,
      message: 'the handler returned something other than a JSON object',
      retryable: false,
    };
    env.logger.error('command handler returned an invalid output', { ...scope, code: error.code });
    return { kind: 'reply', reply: failureReply(command, error, stamp()) };
  }
  env.logger.info('command handled', { ...scope, durationMs: env.now().getTime() - started });
  return { kind: 'reply', reply: successReply(command, output, stamp()) };
}

export function parseCommand(
  content: Buffer,
): { ok: true; command: Command } | { ok: false; reason: string } {
  let body: unknown;
  try {
    body = JSON.parse(content.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `not valid JSON: ${(error as Error).message}` };
  }
  const result = commandSchema.safeParse(body);
  if (!result.success) {
    const issues = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`,
    );
    return { ok: false, reason: `not a command: ${issues.join('; ')}` };
  }
  return { ok: true, command: result.data };
}

/** A `ParticipantError` keeps its code and retryable flag; anything else is a retryable `HANDLER_ERROR`. */
export function replyError(thrown: unknown): ReplyError {
  if (thrown instanceof ParticipantError) {
    const code =
      typeof thrown.code === 'string' && thrown.code !== '' ? thrown.code : FailureCode.handlerError;
    return { code, message: thrown.message, retryable: thrown.retryable };
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return { code: FailureCode.handlerError, message, retryable: true };
}

/** A refusal is business as usual; a retryable failure is worth a warning; a crash is an error. */
function logFailure(logger: ParticipantLogger, thrown: unknown, fields: Record<string, unknown>): void {
  if (thrown instanceof BusinessError) logger.info('command refused', fields);
  else if (thrown instanceof ParticipantError) logger.warn('command failed; the engine may retry it', fields);
  else
    logger.error('command handler threw', {
      ...fields,
      stack: thrown instanceof Error ? thrown.stack : undefined,
    });
}

/** `undefined` (or `null`) means `{}`; anything else must survive JSON as an object. */
function toOutput(result: unknown): JsonObject | null {
  if (result === undefined || result === null) return {};
  try {
    const parsed = jsonObjectSchema.safeParse(JSON.parse(JSON.stringify(result)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function commandContext(command: Command, headers: Readonly<Record<string, unknown>>): CommandContext {
  return {
    sagaId: command.saga.id,
    sagaName: command.saga.name,
    sagaVersion: command.saga.version,
    step: command.step,
    kind: command.kind,
    attempt: command.attempt,
    idempotencyKey: command.idempotency_key,
    correlationId: command.correlation_id,
    messageId: command.message_id,
    deadline: new Date(command.deadline),
    command,
    headers,
  };
}

function logScope(command: Command): Record<string, unknown> {
  return {
    sagaId: command.saga.id,
    sagaName: command.saga.name,
    step: command.step,
    type: command.type,
    kind: command.kind,
    attempt: command.attempt,
    messageId: command.message_id,
    correlationId: command.correlation_id,
  };
}
