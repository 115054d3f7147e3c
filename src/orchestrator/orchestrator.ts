import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { JsonValue } from '../contracts/json';
import type { Reply } from '../contracts/reply';
import { canonicalJson } from '../core/definition/fingerprint';
import type { SagaDefinition } from '../core/definition/types';
import type { Decision } from '../core/effects';
import {
  IdempotencyConflictError,
  SagaNotFoundError,
  SagaStatusConflictError,
  UnknownDefinitionError,
  ValidationFailedError,
} from '../core/errors';
import type { SagaEvent } from '../core/events';
import type { TraceContext } from '../core/state';
import { SagaStatus } from '../core/status';
import { timerKey } from '../core/timers';
import { decide, startSaga } from '../core/transition';
import type { DefinitionRegistry } from '../definitions/definition-registry';
import type { OutboxRow } from '../persistence/outbox-sql';
import {
  type DueTimerRow,
  type SagaRow,
  type SagasAndProcessedReplies,
  findSagaByIdempotencyKey,
  readSaga,
  readSagasForReplies,
  selectDueTimers,
} from '../persistence/saga-sql';
import {
  type NewSaga,
  type SagaWrite,
  type SagaWriteStatement,
  type WrittenSagasRow,
  insertSagas,
  updateSagas,
  writtenSagas,
} from '../persistence/saga-write-sql';
import { runQuery } from '../persistence/sql';
import { isRefusedValue } from '../persistence/sql-errors';
import { Batcher } from '../shared/batcher';
import { type ReplyAuthorization, openReplies } from './reply-authorization';
import type { Clock, IdGenerator } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { SagaCache } from './saga-cache';
import { type ConsumedInputs, OUTBOX_LEASE_MS, sagaWrite } from './saga-write';

export interface StartSagaRequest {
  name: string;
  input: JsonValue;
  correlationId?: string;
  idempotencyKey?: string;
  requestId?: string;
  trace?: TraceContext;
}

export interface StartedSaga {
  id: string;
  name: string;
  version: number;
  status: SagaStatus;
  /** False when an earlier request with the same Idempotency-Key created it. */
  created: boolean;
}

export type ReplyHandling = 'applied' | 'ignored' | 'duplicate' | 'unknown-saga';

/**
 * What became of one reply of a batch. `failed` replies were not applied: they should come again unless the error
 * is about the reply itself; `refused` replies can never be applied (not authorized, or they break the decision).
 */
export type ReplyResult =
  | { handling: ReplyHandling }
  | { handling: 'failed'; error: Error }
  | { handling: 'refused'; reason: string };

export interface OperatorOutcome {
  status: SagaStatus;
  /** False when the saga was already compensating: nothing was done. */
  changed: boolean;
}

/** Told about every decision once it has committed (metrics, …). */
export interface DecisionListener {
  committed(decision: Decision): void;
}

/** Hands committed outbox rows to the broker. */
export interface CommandPublisher {
  publish(rows: OutboxRow[]): void;
  /** Ids of outbox rows the broker has confirmed: the next write deletes them. */
  takeConfirmed(): string[];
  /** Gives back ids taken for a write that failed. */
  giveBackConfirmed(ids: string[]): void;
}

/** How often a write is tried again when its saga changed between the read and the write. */
const MAX_WRITE_ROUNDS = 5;
/**
 * Starts that arrive while one batch is being written are written together, in the next statement. One batch at a
 * time: each statement has a fixed cost (executor start-up, commit, a WAL flush) of about four sagas' worth of
 * work, and a second batch in flight mostly split the waiting starts into smaller statements.
 */
const START_BATCHES = { parallel: 1, maxBatch: 64 };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isSagaId(value: string): boolean {
  return UUID.test(value);
}

/**
 * Read → decide → write → publish. The write of a saga's state, log, timers and outbox rows is one statement
 * (atomic on its own) that takes effect only if the saga is still at the revision it was read at; a saga that
 * moved on meanwhile is read and decided again.
 */
export class Orchestrator {
  private readonly starts: Batcher<PendingStart>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: DefinitionRegistry,
    private readonly publisher: CommandPublisher,
    private readonly clock: Clock,
    private readonly newId: IdGenerator,
    private readonly logger: Logger,
    private readonly listeners: DecisionListener[] = [],
    private readonly cache = new SagaCache(),
    private readonly replyAuthorization: ReplyAuthorization = openReplies,
  ) {
    this.starts = new Batcher(
      (batch) => this.insertStarts(batch),
      (error) => this.logger.error('could not write a batch of starts', { error: error.message }),
      START_BATCHES,
    );
  }

  async start(request: StartSagaRequest): Promise<StartedSaga> {
    const registered = this.registry.currentVersion(request.name);
    if (registered === undefined) {
      throw new UnknownDefinitionError(request.name);
    }
    const problems = registered.validateInput(request.input);
    if (problems.length > 0) {
      throw new ValidationFailedError('input does not match the saga definition', problems);
    }
    const { definition } = registered;
    const id = this.newId();
    const decision = startSaga(
      definition,
      {
        id,
        input: request.input,
        correlationId: request.correlationId ?? id,
        causationId: request.requestId ?? id,
        trace: request.trace ?? null,
      },
      { now: this.clock.now(), newId: this.newId },
    );
    const fingerprint = request.idempotencyKey === undefined ? null : requestFingerprint(request);
    const plan: Plan = {
      definition,
      decisions: [decision],
      contexts: [{}],
      write: sagaWrite({ sagaId: id, revision: 0, lastSeq: 0 }, [decision]),
    };
    const saga = {
      state: decision.state,
      idempotencyKey: request.idempotencyKey ?? null,
      requestFingerprint: fingerprint,
    };
    const written = await new Promise<boolean>((resolve, reject) =>
      this.starts.add({ plan, saga, resolve, reject }),
    );
    if (!written) {
      return this.findByIdempotencyKey(request.idempotencyKey!, fingerprint);
    }
    this.logger.info('saga started', sagaScope(decision, definition));
    return {
      id,
      name: definition.name,
      version: definition.version,
      status: decision.state.status,
      created: true,
    };
  }

  /** Writes a batch of new sagas in one statement (one by one if PostgreSQL refuses a value in it). */
  private async insertStarts(batch: PendingStart[]): Promise<void> {
    const sagaOf = new Map(batch.map((start) => [start.plan, start.saga]));
    const { written, failed } = await this.writeIsolatingFailures(
      batch.map((start) => start.plan),
      (plans) => (writes, confirmed) =>
        insertSagas(
          plans.map((plan) => sagaOf.get(plan)!),
          writes,
          confirmed,
          OUTBOX_LEASE_MS,
        ),
    );
    for (const { plan, resolve, reject } of batch) {
      const error = failed.get(plan.write.sagaId);
      if (error === undefined) resolve(written.has(plan.write.sagaId));
      else reject(error);
    }
  }

  /**
   * Applies a batch of replies with one read and one write for all of them; replies to one saga are applied in
   * the order given. `userIds` are the AMQP `user_id`s the replies came with (for the reply authorization). The
   * caller acknowledges each message only after its result is known.
   */
  async handleReplies(batch: Reply[], userIds: Array<string | null> = []): Promise<ReplyResult[]> {
    // Saga ids are stored in lower case; a participant may write them otherwise.
    const replies = batch.map((reply) => ({ ...reply, saga_id: reply.saga_id.toLowerCase() }));
    const results = new Array<ReplyResult | undefined>(replies.length);
    const firstCopy = new Map<string, number>();
    const copies: Array<[copy: number, first: number]> = [];
    let pending: number[] = [];
    replies.forEach((reply, index) => {
      const first = firstCopy.get(reply.message_id);
      if (!isSagaId(reply.saga_id)) results[index] = { handling: 'unknown-saga' };
      else if (first !== undefined) copies.push([index, first]);
      else {
        firstCopy.set(reply.message_id, index);
        pending.push(index);
      }
    });
    for (let round = 1; pending.length > 0; round++) {
      if (round > MAX_WRITE_ROUNDS) {
        for (const index of pending) {
          results[index] = { handling: 'failed', error: keptChanging(replies[index]!.saga_id) };
        }
        break;
      }
      pending = await this.applyReplies(replies, userIds, pending, results, round === 1);
    }
    // A second copy of a message in the batch is a duplicate only once the first copy's effect committed.
    for (const [copy, first] of copies) {
      const result = results[first]!;
      results[copy] = result.handling === 'failed' ? result : { handling: 'duplicate' };
    }
    return results as ReplyResult[];
  }

  /**
   * Applies the replies at `indexes`; returns those whose saga changed meanwhile (or that may have been applied
   * before), to apply again after reading their sagas. With `cached`, sagas this instance wrote last are not read.
   */
  private async applyReplies(
    replies: Reply[],
    userIds: Array<string | null>,
    indexes: number[],
    results: Array<ReplyResult | undefined>,
    cached: boolean,
  ): Promise<number[]> {
    const sagaById = new Map<string, SagaRow>();
    const toRead: Reply[] = [];
    for (const index of indexes) {
      const reply = replies[index]!;
      const saga = cached ? this.cache.get(reply.saga_id) : undefined;
      if (saga === undefined) toRead.push(reply);
      else sagaById.set(saga.id, saga);
    }
    const { sagas, processed } = await this.readForReplies(toRead);
    for (const saga of sagas) sagaById.set(saga.id, saga);
    const applied = new Set(processed);
    const fresh: number[] = [];
    for (const index of indexes) {
      const reply = replies[index]!;
      if (!sagaById.has(reply.saga_id)) results[index] = { handling: 'unknown-saga' };
      else if (applied.has(reply.message_id)) results[index] = { handling: 'duplicate' };
      else fresh.push(index);
    }
    const bySaga = groupBy(fresh, (index) => replies[index]!.saga_id);

    const planned: Array<{ plan: Plan; indexes: number[] }> = [];
    for (const [sagaId, group] of bySaga) {
      const saga = sagaById.get(sagaId)!;
      let definition: SagaDefinition;
      try {
        definition = this.definitionOf(saga);
      } catch (error) {
        for (const index of group) results[index] = { handling: 'failed', error: error as Error };
        continue;
      }
      const accepted = group.filter((index) => {
        const step = definition.steps.find((s) => s.name === replies[index]!.step);
        const refusal = this.replyAuthorization.refusal(step?.participant ?? null, userIds[index] ?? null);
        if (refusal !== null) results[index] = { handling: 'refused', reason: refusal };
        return refusal === null;
      });
      if (accepted.length === 0) continue;
      const groupReplies = accepted.map((index) => replies[index]!);
      try {
        const plan = this.plan(
          saga,
          groupReplies.map((reply) => ({ type: 'reply', reply })),
          { processedReplies: groupReplies.map((reply) => reply.message_id) },
        );
        planned.push({ plan, indexes: accepted });
      } catch (error) {
        // Deciding is deterministic: a reply the decision cannot take would fail the same way every time.
        const reason = `reply cannot be applied: ${(error as Error).message}`;
        for (const index of accepted) results[index] = { handling: 'refused', reason };
      }
    }

    const { written, failed } = await this.writeIsolatingFailures(planned.map(({ plan }) => plan));
    const again: number[] = [];
    for (const { plan, indexes: group } of planned) {
      const error = failed.get(plan.write.sagaId);
      if (error !== undefined) {
        for (const index of group) results[index] = { handling: 'failed', error };
        continue;
      }
      if (!written.has(plan.write.sagaId)) {
        again.push(...group);
        continue;
      }
      group.forEach((index, n) => {
        results[index] = { handling: plan.decisions[n]!.changed ? 'applied' : 'ignored' };
      });
    }
    return again;
  }

  /** An operator resumes a COMPENSATION_FAILED saga; idempotent while it compensates again. */
  retry(sagaId: string, requestId?: string): Promise<OperatorOutcome> {
    return this.operate(
      sagaId,
      { type: 'operator-retry', causationId: requestId ?? sagaId },
      {
        from: SagaStatus.compensationFailed,
        action: 'be retried (only COMPENSATION_FAILED sagas can)',
      },
    );
  }

  /** An operator stops a RUNNING saga and starts compensating; idempotent while it compensates. */
  abort(sagaId: string, reason: string, requestId?: string): Promise<OperatorOutcome> {
    return this.operate(
      sagaId,
      { type: 'operator-abort', reason, causationId: requestId ?? sagaId },
      {
        from: SagaStatus.running,
        action: 'be aborted (only RUNNING sagas can)',
      },
    );
  }

  /**
   * Applies an operator's event to a saga in status `from`. A saga already COMPENSATING is left as it is (the
   * request is idempotent); any other status is a conflict.
   */
  private async operate(
    sagaId: string,
    event: SagaEvent,
    rule: { from: SagaStatus; action: string },
  ): Promise<OperatorOutcome> {
    if (!isSagaId(sagaId)) throw new SagaNotFoundError(sagaId);
    for (let round = 1; round <= MAX_WRITE_ROUNDS; round++) {
      const saga = (await runQuery<SagaRow>(this.dataSource, readSaga(sagaId))).rows[0];
      if (saga === undefined) throw new SagaNotFoundError(sagaId);
      const status = saga.state.status;
      if (status === SagaStatus.compensating) return { status, changed: false };
      if (status !== rule.from) throw new SagaStatusConflictError(sagaId, status, rule.action);
      const plan = this.plan(saga, [event]);
      if ((await this.write([plan])).has(sagaId)) {
        return { status: plan.decisions[0]!.state.status, changed: true };
      }
    }
    throw keptChanging(sagaId);
  }

  /**
   * Fires every timer due now, with one write for all of them; returns how many fired. Safe to run on several
   * instances at once: a timer fires only with the write that deletes it, and a saga changed meanwhile keeps its
   * timer for the next round.
   */
  async fireDueTimers(limit = 100): Promise<number> {
    const due = await runQuery<DueTimerRow>(this.dataSource, selectDueTimers(this.clock.now(), limit));
    const bySaga = groupBy(due.rows, (timer) => timer.id);
    const plans: Plan[] = [];
    for (const timers of bySaga.values()) {
      try {
        plans.push(
          this.plan(
            timers[0]!,
            timers.map((timer) => ({ type: 'timer', timer: timer.payload })),
            { firedTimers: timers.map((timer) => timer.key) },
          ),
        );
      } catch (error) {
        this.logger.error('could not fire timers', {
          sagaId: timers[0]!.id,
          error: (error as Error).message,
        });
      }
    }
    const { written, failed } = await this.writeIsolatingFailures(plans);
    for (const [sagaId, error] of failed) {
      this.logger.error('could not fire timers', { sagaId, error: error.message });
    }
    return plans
      .filter((plan) => written.has(plan.write.sagaId))
      .reduce((count, plan) => count + plan.decisions.length, 0);
  }

  private async readForReplies(replies: Reply[]): Promise<SagasAndProcessedReplies> {
    if (replies.length === 0) return { sagas: [], processed: [] };
    const read = await runQuery<SagasAndProcessedReplies>(
      this.dataSource,
      readSagasForReplies(
        [...new Set(replies.map((reply) => reply.saga_id))],
        replies.map((reply) => reply.message_id),
      ),
    );
    return read.rows[0]!;
  }

  /**
   * Writes all plans in one statement. If PostgreSQL refuses a value in it, each saga is written on its own, so
   * that one saga the database refuses (a reply carrying data PostgreSQL cannot store, say) does not hold back the
   * others; any other failure fails them all. Replies, timers and operators update sagas; starts insert them.
   */
  private async writeIsolatingFailures(
    plans: Plan[],
    statementFor: (plans: Plan[]) => WriteStatement = () => updateStatement,
  ): Promise<{ written: Set<string>; failed: Map<string, Error> }> {
    const failed = new Map<string, Error>();
    try {
      return { written: await this.write(plans, statementFor(plans)), failed };
    } catch (error) {
      if (plans.length === 1 || !isRefusedValue(error)) {
        for (const plan of plans) failed.set(plan.write.sagaId, error as Error);
        return { written: new Set(), failed };
      }
    }
    const written = new Set<string>();
    for (const plan of plans) {
      try {
        if ((await this.write([plan], statementFor([plan]))).has(plan.write.sagaId)) {
          written.add(plan.write.sagaId);
        }
      } catch (error) {
        failed.set(plan.write.sagaId, error as Error);
      }
    }
    return { written, failed };
  }

  /** Decides `events` one after another on the saga as read. */
  private plan(saga: SagaRow, events: SagaEvent[], consumed: ConsumedInputs = {}): Plan {
    const definition = this.definitionOf(saga);
    const decisions: Decision[] = [];
    let state = saga.state;
    for (const event of events) {
      const decision = decide(definition, state, event, { now: this.clock.now(), newId: this.newId });
      decisions.push(decision);
      state = decision.state;
    }
    return {
      definition,
      decisions,
      contexts: events.map(eventContext),
      write: sagaWrite(
        { sagaId: saga.id, revision: saga.revision, lastSeq: saga.last_seq },
        decisions,
        consumed,
      ),
    };
  }

  /**
   * Runs the write of the planned sagas as one statement; then publishes the commands queued and reports the
   * decisions of the sagas written. Outbox rows the broker confirmed since the last write are deleted with it.
   */
  private async write(plans: Plan[], statement: WriteStatement = updateStatement): Promise<Set<string>> {
    if (plans.length === 0) return new Set();
    const writes = plans.map((plan) => plan.write);
    const confirmed = this.publisher.takeConfirmed();
    let row: WrittenSagasRow;
    const sql = statement(writes, confirmed);
    try {
      row = (await runQuery<WrittenSagasRow>(this.dataSource, sql)).rows[0]!;
    } catch (error) {
      this.publisher.giveBackConfirmed(confirmed);
      for (const plan of plans) this.cache.forget(plan.write.sagaId);
      throw error;
    }
    const { written, queued } = writtenSagas(writes, row);
    this.publisher.publish(queued);
    for (const plan of plans) {
      const { sagaId, expectedRevision, lastSeq } = plan.write;
      if (!written.has(sagaId)) {
        this.cache.forget(sagaId);
        continue;
      }
      const state = plan.decisions.at(-1)!.state;
      // A write that changed nothing carried no state to measure: the saga keeps the size it had, if known.
      const bytes = plan.write.state === null ? this.cache.bytesOf(sagaId) : sql.rowBytes.get(sagaId);
      if (bytes === undefined) this.cache.forget(sagaId);
      else
        this.cache.remember({ id: sagaId, state, revision: expectedRevision + 1, last_seq: lastSeq }, bytes);
      this.committed(plan);
    }
    return written;
  }

  private committed(plan: Plan): void {
    plan.decisions.forEach((decision, n) => {
      for (const listener of this.listeners) listener.committed(decision);
      const scope = { ...sagaScope(decision, plan.definition), ...plan.contexts[n] };
      for (const entry of decision.log) {
        this.logger.info(entry.type, { ...scope, ...(entry.step === null ? {} : { step: entry.step }) });
      }
    });
  }

  private definitionOf(saga: SagaRow): SagaDefinition {
    const definition = this.registry.get(saga.state.name, saga.state.version);
    if (definition === undefined) {
      throw new Error(
        `saga ${saga.state.id} uses ${saga.state.name}@${saga.state.version}, which is not stored`,
      );
    }
    return definition;
  }

  private async findByIdempotencyKey(key: string, fingerprint: string | null): Promise<StartedSaga> {
    const found = await runQuery<{
      id: string;
      name: string;
      version: number;
      status: SagaStatus;
      request_fingerprint: string | null;
    }>(this.dataSource, findSagaByIdempotencyKey(key));
    const row = found.rows[0];
    if (row === undefined) {
      throw new SagaNotFoundError(key);
    }
    if (row.request_fingerprint !== fingerprint) {
      throw new IdempotencyConflictError(key);
    }
    return { id: row.id, name: row.name, version: row.version, status: row.status, created: false };
  }
}

/** Builds the statement that writes a batch, given the outbox ids confirmed since the last write. */
type WriteStatement = (writes: SagaWrite[], confirmed: string[]) => SagaWriteStatement;

const updateStatement: WriteStatement = (writes, confirmed) =>
  updateSagas(writes, confirmed, OUTBOX_LEASE_MS);

/** A start waiting for its batch: `resolve(false)` when its idempotency key was taken. */
interface PendingStart {
  plan: Plan;
  saga: NewSaga;
  resolve(written: boolean): void;
  reject(error: Error): void;
}

/** The decisions made on one saga and the write that records them. */
interface Plan {
  definition: SagaDefinition;
  decisions: Decision[];
  /** Per decision: what caused it, for the log lines. */
  contexts: Array<Record<string, string>>;
  write: SagaWrite;
}

function eventContext(event: SagaEvent): Record<string, string> {
  switch (event.type) {
    case 'reply':
      return { replyId: event.reply.message_id, inReplyTo: event.reply.in_reply_to, step: event.reply.step };
    case 'timer':
      return { timer: timerKey(event.timer) };
    default:
      return { operator: event.type };
  }
}

/** Items by key, in the order given (within each key and across keys). */
function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

function keptChanging(sagaId: string): Error {
  return new Error(`saga ${sagaId} kept changing while being written; try again`);
}

function requestFingerprint(request: StartSagaRequest): string {
  const canonical = canonicalJson({
    name: request.name,
    input: request.input,
    correlationId: request.correlationId ?? null,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

function sagaScope(decision: Decision, definition: SagaDefinition): Record<string, string> {
  return {
    sagaId: decision.state.id,
    saga: `${definition.name}@${definition.version}`,
    correlationId: decision.state.correlationId,
  };
}
