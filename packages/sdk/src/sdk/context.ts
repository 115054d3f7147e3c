import type { PoolClient } from 'pg';
import type { Command, CommandKind } from '../contracts/command';
import type { JsonObject } from '../contracts/json';
import type { Reply } from '../contracts/reply';
import { BusinessError, ParticipantError } from './errors';
import type { IdempotencyRecord, IdempotencyStore } from './idempotency';
import type { Logger } from '../shared/logger';
import { type ReplyStamp, progressReply } from './replies';

/** What a handler knows about the command it handles, besides its payload, and what it can do about it. */
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
  /** When the engine stops waiting for this attempt's reply, unless a progress report moves it. */
  deadline: Date;
  /** The whole command body. */
  command: Command;
  /** The message's AMQP headers (e.g. `traceparent`). */
  headers: Readonly<Record<string, unknown>>;
  /**
   * Tells the engine this command is still being worked on: publishes an `in_progress` message to the command's
   * `replyTo`, and the engine restarts the attempt's timeout (now + the step's timeout). Resolves `true` once the
   * broker confirmed it; `false` when nothing was confirmed: the handler had already ended, or the publish
   * failed (logged; the final reply will meet the same broker). Never rejects, so it is safe in a timer. Calls
   * while one is being published share it.
   */
  reportProgress(): Promise<boolean>;
  /** @deprecated The same as `reportProgress`. */
  heartbeat(): Promise<boolean>;
  /**
   * Runs `work` in one PostgreSQL transaction together with this key's idempotency record (needs
   * `createPostgresIdempotencyStore`): the key is locked, the work is skipped when another delivery already
   * recorded an outcome (its output is returned, or its business failure thrown), otherwise the work's output
   * is recorded before the commit. Once it returned, the reply is the recorded outcome. Once per command.
   */
  transaction<T extends JsonObject | void>(work: (client: PoolClient) => Promise<T>): Promise<T>;
}

/** A handler produced something other than a JSON object as its output. */
export class InvalidOutputError extends ParticipantError {
  override readonly name = 'InvalidOutputError';
  readonly retryable = false;

  constructor() {
    super('INVALID_OUTPUT', 'the handler returned something other than a JSON object');
  }
}

export interface SessionEnvironment {
  idempotency: IdempotencyStore | null;
  logger: Logger;
  stamp: () => ReplyStamp;
}

/** One command being handled: its context, the progress reports it sends and the transaction it ran. */
export class CommandSession {
  readonly context: CommandContext;
  private ended = false;
  private progressReportInFlight: Promise<boolean> | null = null;
  private transaction: Promise<IdempotencyRecord | null> | null = null;

  constructor(
    private readonly command: Command,
    headers: Readonly<Record<string, unknown>>,
    private readonly env: SessionEnvironment,
    private readonly sendProgressReport: (reply: Reply) => Promise<void>,
  ) {
    this.context = {
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
      reportProgress: () => this.reportProgress(),
      heartbeat: () => this.reportProgress(),
      transaction: (work) => this.runTransaction(work),
    };
  }

  /**
   * Ends the session once the handler returned or threw; resolves to the record its transaction settled on
   * (waiting for one the handler did not await), or `null` when it ran none or it failed.
   */
  async end(): Promise<IdempotencyRecord | null> {
    this.ended = true;
    return this.transaction === null ? null : await this.transaction;
  }

  private reportProgress(): Promise<boolean> {
    if (this.ended) return Promise.resolve(false);
    this.progressReportInFlight ??= this.sendProgressReport(progressReply(this.command, this.env.stamp()))
      .then(
        () => true,
        (error: unknown) => {
          this.env.logger.warn('progress report not confirmed by the broker', {
            messageId: this.command.message_id,
            idempotencyKey: this.command.idempotency_key,
            error: error instanceof Error ? error.message : String(error),
          });
          return false;
        },
      )
      .finally(() => {
        this.progressReportInFlight = null;
      });
    return this.progressReportInFlight;
  }

  private async runTransaction<T extends JsonObject | void>(
    work: (client: PoolClient) => Promise<T>,
  ): Promise<T> {
    const store = this.env.idempotency;
    if (store === null || store.transaction === undefined) {
      throw new Error(
        store === null
          ? 'ctx.transaction needs an idempotency store: createParticipant({ idempotency: createPostgresIdempotencyStore({ pool }) })'
          : 'ctx.transaction needs an idempotency store with transactions (createPostgresIdempotencyStore); this one has none',
      );
    }
    if (this.transaction !== null) throw new Error('ctx.transaction can run only once per command');
    if (this.ended) throw new Error('ctx.transaction was called after the handler ended');
    const { command } = this;
    const running = store.transaction(
      command.idempotency_key,
      { attempt: command.attempt, messageId: command.message_id },
      async (client) => {
        const output = toOutput(await work(client));
        if (output === null) throw new InvalidOutputError();
        return output;
      },
    );
    this.transaction = running.then(
      ({ record }) => record,
      () => null,
    );
    const { ran, record } = await running;
    if (!ran) {
      this.env.logger.info('transaction skipped: the outcome was already recorded', {
        idempotencyKey: command.idempotency_key,
        messageId: command.message_id,
        recordedFor: record.messageId,
      });
    }
    if (record.outcome === 'failure') throw new BusinessError(record.error.code, record.error.message);
    return record.output as T;
  }
}

/** `undefined` (or `null`) means `{}`; anything else must survive JSON as an object. */
export function toOutput(result: unknown): JsonObject | null {
  if (result === undefined || result === null) return {};
  try {
    const json: unknown = JSON.parse(JSON.stringify(result));
    return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as JsonObject) : null;
  } catch {
    return null;
  }
}
