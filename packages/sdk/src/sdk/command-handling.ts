import type { Command } from '../contracts/command';
import type { ActionTurns } from './action-turns';
import { WireLimits } from '../contracts/limits';
import type { FinalReply, Reply, ReplyError } from '../contracts/reply';
import { parseCommand } from './command-parsing';
import { traceCommandRead } from './command-tracing';
import { CommandSession, InvalidOutputError, toOutput } from './context';
import { BusinessError, ParticipantError } from './errors';
import { FailureCode } from './failure-codes';
import { cutText } from '../messaging/dead-letter';
import { errorMessage } from '../shared/error-message';
import type { CompiledHandler } from './handlers';
import {
  type AttemptRef,
  type IdempotencyRecord,
  type IdempotencyStore,
  type Outcome,
  actionKeyOf,
  answers,
  isTombstone,
  tombstoneFor,
} from './idempotency';
import type { ParticipantLogger } from './options';
import { type ReplyStamp, failureReply, outcomeReply } from './replies';

/** What to do with one delivered message: reply to it, or move it to the dead-letter queue. */
export type CommandOutcome = { kind: 'reply'; reply: FinalReply } | { kind: 'dead-letter'; reason: string };

export interface CommandEnvironment {
  handlers: ReadonlyMap<string, CompiledHandler>;
  idempotency: IdempotencyStore | null;
  /** Orders each action's deliveries and its tombstone within this process; one per participant. */
  actionTurns: ActionTurns;
  logger: ParticipantLogger;
  now: () => Date;
  newId: () => string;
  /** Largest command body read, in bytes. */
  maxCommandBytes: number;
}

/** One delivered message and how to report progress on it. */
export interface Delivery {
  content: Buffer;
  headers: Readonly<Record<string, unknown>>;
  /** Publishes an `in_progress` message for the command; resolves once the broker confirmed it. */
  sendProgressReport(reply: Reply): Promise<void>;
}

/**
 * Parses and validates the message, answers it from the idempotency store or runs its handler, and builds the
 * reply. Never throws.
 */
export async function handleCommand(delivery: Delivery, env: CommandEnvironment): Promise<CommandOutcome> {
  const parsed = parseCommand(delivery.content, env.maxCommandBytes);
  if (!parsed.ok) return { kind: 'dead-letter', reason: parsed.reason };
  const { command } = parsed;
  traceCommandRead(command);
  const reply =
    command.kind === 'action' && env.idempotency !== null
      ? await env.actionTurns.handleAction(command.idempotency_key, () => answer(command, delivery, env))
      : await answer(command, delivery, env);
  return { kind: 'reply', reply };
}

async function answer(command: Command, delivery: Delivery, env: CommandEnvironment): Promise<FinalReply> {
  const scope = logScope(command);
  const stamp = (): ReplyStamp => ({ messageId: env.newId(), now: env.now() });
  const fail = (error: ReplyError) => failureReply(command, error, stamp());
  const store = env.idempotency;

  if (store !== null) {
    const recorded = await lookUp(store, command, env.logger);
    if (!recorded.ok) return fail(recorded.error);
    if (recorded.record !== undefined) return outcomeReply(command, recorded.record, stamp());
  }

  const handler = env.handlers.get(command.type);
  if (handler === undefined) {
    env.logger.warn('command failed: no handler for its type', {
      ...scope,
      code: FailureCode.unknownCommand,
    });
    return fail({
      code: FailureCode.unknownCommand,
      message: `no handler for command type ${JSON.stringify(command.type)}`,
      retryable: false,
    });
  }
  const payload = handler.parse(command.payload);
  if (!payload.ok) {
    env.logger.warn('command refused: invalid payload', {
      ...scope,
      code: FailureCode.invalidPayload,
      error: payload.message,
    });
    return fail({ code: FailureCode.invalidPayload, message: payload.message, retryable: false });
  }
  if (store !== null && command.kind === 'compensation') {
    const tombstoned = await tombstoneUnlessActionRan(store, command, env);
    if (!tombstoned.ok) return fail(tombstoned.error);
  }

  const ran = await run(handler, payload.value, command, delivery, env);
  if (ran.recorded) return outcomeReply(command, ran.record, stamp());
  const { outcome } = ran;
  if (outcome.outcome === 'failure' && outcome.error.retryable) return fail(outcome.error);
  if (store === null) return outcomeReply(command, outcome, stamp());
  return outcomeReply(command, await record(store, command, outcome, env.logger), stamp());
}

/**
 * The record that answers this command, if any. When the store cannot be read the command is not handled: a
 * retryable failure lets the engine try again later.
 */
async function lookUp(
  store: IdempotencyStore,
  command: Command,
  logger: ParticipantLogger,
): Promise<{ ok: true; record?: IdempotencyRecord } | { ok: false; error: ReplyError }> {
  let recorded: IdempotencyRecord | undefined;
  try {
    recorded = await store.find(command.idempotency_key);
  } catch (thrown) {
    const message = `idempotency store unavailable: ${errorMessage(thrown)}`;
    logger.error('command not handled: the idempotency store failed', {
      ...logScope(command),
      error: message,
    });
    return { ok: false, error: { code: FailureCode.idempotencyStoreError, message, retryable: true } };
  }
  if (recorded === undefined || !answers(recorded, command.attempt)) return { ok: true };
  if (isTombstone(recorded)) {
    logger.info('action refused: its compensation was handled before it ran', {
      ...logScope(command),
      code: FailureCode.compensatedBeforeAction,
      tombstonedBy: recorded.messageId,
    });
    return { ok: true, record: recorded };
  }
  logger.info('command already handled; replying with the recorded outcome', {
    ...logScope(command),
    outcome: recorded.outcome,
    recordedFor: recorded.messageId,
  });
  return { ok: true, record: recorded };
}

/**
 * Before a compensation runs, records a tombstone for its step's action unless the action has a record: the
 * action never ran here, and a delivery of it that comes later (a redelivery, or an attempt that timed out and
 * was overtaken) must not run it. The compensation's handler runs either way — it must be a no-op when the
 * action never happened — since an effect the store does not know of (a handler without `ctx.transaction` that
 * crashed before its outcome was recorded) may still need undoing. When the store fails, the compensation is
 * not handled: a retryable failure lets the engine try again.
 */
async function tombstoneUnlessActionRan(
  store: IdempotencyStore,
  command: Command,
  env: CommandEnvironment,
): Promise<{ ok: true } | { ok: false; error: ReplyError }> {
  if (store.recordTombstone === undefined) return { ok: true };
  const actionKey = actionKeyOf(command);
  const scope = logScope(command);
  if (actionKey === null) {
    env.logger.warn(
      'no tombstone recorded: the idempotency key is not <saga id>:<step>:compensation, so the action key is unknown',
      scope,
    );
    return { ok: true };
  }
  const tombstone = tombstoneFor(command);
  let standing: IdempotencyRecord;
  try {
    standing = await env.actionTurns.recordTombstone(actionKey, () =>
      store.recordTombstone!(actionKey, tombstone),
    );
  } catch (thrown) {
    const message = `idempotency store unavailable: ${errorMessage(thrown)}`;
    env.logger.error('compensation not handled: the tombstone of its action could not be recorded', {
      ...scope,
      error: message,
    });
    return { ok: false, error: { code: FailureCode.idempotencyStoreError, message, retryable: true } };
  }
  if (isTombstone(standing)) {
    env.logger.info('the action of this step never ran here; it is tombstoned and will not run', {
      ...scope,
      actionKey,
      tombstonedBy: standing.messageId,
    });
  }
  return { ok: true };
}

/**
 * Runs the handler. When it used `ctx.transaction` the outcome is the one recorded there, whatever the handler
 * did afterwards; otherwise it is what the handler returned or threw (a failure, possibly retryable).
 */
async function run(
  handler: CompiledHandler,
  payload: unknown,
  command: Command,
  delivery: Delivery,
  env: CommandEnvironment,
): Promise<{ recorded: true; record: IdempotencyRecord } | { recorded: false; outcome: Outcome }> {
  const scope = logScope(command);
  const started = env.now().getTime();
  const session = new CommandSession(
    command,
    delivery.headers,
    {
      idempotency: env.idempotency,
      logger: env.logger,
      stamp: () => ({ messageId: env.newId(), now: env.now() }),
    },
    (progress) => delivery.sendProgressReport(progress),
  );
  let result: { ok: true; value: unknown } | { ok: false; thrown: unknown };
  try {
    result = { ok: true, value: await handler.handle(payload, session.context) };
  } catch (thrown) {
    result = { ok: false, thrown };
  }
  const settled = await session.end();
  const fields = { ...scope, durationMs: env.now().getTime() - started };

  if (settled !== null) {
    if (!result.ok && settled.outcome === 'success') {
      env.logger.warn(
        'handler threw after its transaction recorded the outcome; replying with that outcome',
        {
          ...fields,
          error: errorMessage(result.thrown),
        },
      );
    }
    if (settled.outcome === 'success') env.logger.info('command handled', fields);
    else
      env.logger.info('command refused', {
        ...fields,
        code: settled.error.code,
        error: settled.error.message,
      });
    return { recorded: true, record: settled };
  }

  const output = result.ok ? toOutput(result.value) : null;
  if (result.ok && output !== null) {
    env.logger.info('command handled', fields);
    return { recorded: false, outcome: { outcome: 'success', output } };
  }
  const thrown = result.ok ? new InvalidOutputError() : result.thrown;
  const error = replyError(thrown);
  logFailure(env.logger, thrown, {
    ...fields,
    code: error.code,
    retryable: error.retryable,
    error: error.message,
  });
  return { recorded: false, outcome: { outcome: 'failure', error } };
}

/**
 * Records the handler's outcome and returns the one that stands (another delivery may have recorded first).
 * When the store fails the reply still goes out, unrecorded: a redelivery would run the handler again.
 */
async function record(
  store: IdempotencyStore,
  command: Command,
  outcome: Outcome,
  logger: ParticipantLogger,
): Promise<IdempotencyRecord> {
  const mine: IdempotencyRecord = { ...outcome, ...attemptOf(command) };
  try {
    const standing = await store.record(command.idempotency_key, mine);
    if (isTombstone(standing)) {
      // Another process recorded the tombstone while this handler ran; an effect written outside
      // `ctx.transaction` stays in place, and the compensation did not see it.
      const fields = {
        ...logScope(command),
        code: FailureCode.compensatedBeforeAction,
        tombstonedBy: standing.messageId,
      };
      if (outcome.outcome === 'success') {
        logger.error('the action ran while its compensation was handled; its effect may remain', fields);
      } else logger.info('action refused: its compensation was handled while it ran', fields);
      return standing;
    }
    if (standing.messageId !== mine.messageId) {
      logger.info('another delivery recorded the outcome first; replying with it', {
        ...logScope(command),
        recordedFor: standing.messageId,
      });
    }
    return standing;
  } catch (thrown) {
    logger.error('outcome not recorded: the idempotency store failed', {
      ...logScope(command),
      error: errorMessage(thrown),
    });
    return mine;
  }
}

/**
 * A `ParticipantError` keeps its code (cut to `WireLimits.maxIdLength`, the longest the engine reads; empty means
 * `HANDLER_ERROR`) and its retryable flag; anything else is a retryable `HANDLER_ERROR`.
 */
export function replyError(thrown: unknown): ReplyError {
  if (thrown instanceof ParticipantError) {
    const code =
      typeof thrown.code === 'string' && thrown.code !== ''
        ? cutText(thrown.code, WireLimits.maxIdLength)
        : FailureCode.handlerError;
    return { code, message: String(thrown.message), retryable: thrown.retryable === true };
  }
  return { code: FailureCode.handlerError, message: errorMessage(thrown), retryable: true };
}

/** A refusal is business as usual; a retryable failure is worth a warning; a crash is an error. */
function logFailure(logger: ParticipantLogger, thrown: unknown, fields: Record<string, unknown>): void {
  if (thrown instanceof BusinessError) logger.info('command refused', fields);
  else if (thrown instanceof InvalidOutputError)
    logger.error('command handler returned an invalid output', fields);
  else if (thrown instanceof ParticipantError) logger.warn('command failed; the engine may retry it', fields);
  else
    logger.error('command handler threw', {
      ...fields,
      stack: thrown instanceof Error ? thrown.stack : undefined,
    });
}

function attemptOf(command: Command): AttemptRef {
  return { attempt: command.attempt, messageId: command.message_id };
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
    idempotencyKey: command.idempotency_key,
  };
}
