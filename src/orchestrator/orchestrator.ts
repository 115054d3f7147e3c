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
import type { TimerPayload } from '../core/timers';
import { decide, startSaga } from '../core/transition';
import type { DefinitionRegistry } from '../definitions/definition-registry';
import type { OutboxRow } from '../persistence/outbox-sql';
import {
  type LockedSagaRow,
  findSagaByIdempotencyKey,
  insertSaga,
  lockSaga,
  recordProcessedReply,
  selectDueTimers,
  takeDueTimer,
  updateSaga,
} from '../persistence/saga-sql';
import { type Db, inTransaction, runQuery } from '../persistence/sql';
import type { Clock, IdGenerator } from './clock';
import type { Logger } from './logger';
import { persistDecisionEffects } from './persist-decision';

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
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isSagaId(value: string): boolean {
  return UUID.test(value);
}

/** Load → decide → persist state, log, outbox and timers in one transaction → publish after commit. */
export class Orchestrator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: DefinitionRegistry,
    private readonly publisher: CommandPublisher,
    private readonly clock: Clock,
    private readonly newId: IdGenerator,
    private readonly logger: Logger,
    private readonly listeners: DecisionListener[] = [],
  ) {}

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

    const result = await inTransaction<{ existing: StartedSaga } | { rows: OutboxRow[] }>(
      this.dataSource,
      async (db) => {
        const lastSeq = decision.log.length;
        const inserted = await db.query(
          insertSaga(decision.state, request.idempotencyKey ?? null, fingerprint, lastSeq),
        );
        if (inserted.rowCount === 0 && request.idempotencyKey !== undefined) {
          return { existing: await this.findByIdempotencyKey(db, request.idempotencyKey, fingerprint) };
        }
        return { rows: await persistDecisionEffects(db, decision, 1) };
      },
    );

    if ('existing' in result) {
      return result.existing;
    }
    this.publisher.publish(result.rows);
    this.notify(decision);
    this.logger.info('saga started', sagaScope(decision, definition));
    return {
      id,
      name: definition.name,
      version: definition.version,
      status: decision.state.status,
      created: true,
    };
  }

  /** Applies one reply; the caller acknowledges the message only after this resolves. */
  async handleReply(reply: Reply): Promise<ReplyHandling> {
    if (!isSagaId(reply.saga_id)) {
      return 'unknown-saga';
    }
    const outcome = await inTransaction(this.dataSource, async (db) => {
      const saga = await this.lock(db, reply.saga_id, false);
      if (saga === null) return { outcome: 'unknown-saga' as const };
      const fresh = await db.query(recordProcessedReply(reply.message_id, reply.saga_id));
      if (fresh.rowCount === 0) return { outcome: 'duplicate' as const };
      return this.apply(db, saga, { type: 'reply', reply });
    });
    this.afterCommit(outcome, { replyId: reply.message_id, inReplyTo: reply.in_reply_to, step: reply.step });
    return outcome.outcome;
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
    const outcome = await inTransaction(this.dataSource, async (db) => {
      const saga = await this.lock(db, sagaId, false);
      if (saga === null) throw new SagaNotFoundError(sagaId);
      const status = saga.state.status;
      if (status === SagaStatus.compensating) return { status, applied: null };
      if (status !== rule.from) throw new SagaStatusConflictError(sagaId, status, rule.action);
      const applied = await this.apply(db, saga, event);
      return { status: applied.decision.state.status, applied };
    });
    if (outcome.applied !== null) this.afterCommit(outcome.applied, { operator: event.type });
    return { status: outcome.status, changed: outcome.applied !== null };
  }

  /** Fires every timer due now; returns how many fired. Safe to run on several instances at once. */
  async fireDueTimers(limit = 100): Promise<number> {
    const now = this.clock.now();
    const due = await runQuery<{ saga_id: string; key: string }>(
      this.dataSource,
      selectDueTimers(now, limit),
    );
    let fired = 0;
    for (const { saga_id: sagaId, key } of due.rows) {
      const outcome = await inTransaction(this.dataSource, async (db) => {
        // SKIP LOCKED: a saga busy elsewhere keeps its timer for the next round.
        const saga = await this.lock(db, sagaId, true);
        if (saga === null) return null;
        const taken = await db.query<{ payload: TimerPayload }>(takeDueTimer(sagaId, key, this.clock.now()));
        const timer = taken.rows[0]?.payload;
        if (timer === undefined) return null;
        return this.apply(db, saga, { type: 'timer', timer });
      });
      if (outcome !== null) {
        fired++;
        this.afterCommit(outcome, { timer: key });
      }
    }
    return fired;
  }

  private async lock(db: Db, sagaId: string, skipLocked: boolean): Promise<LockedSagaRow | null> {
    const result = await db.query<LockedSagaRow>(lockSaga(sagaId, skipLocked));
    return result.rows[0] ?? null;
  }

  private async apply(db: Db, saga: LockedSagaRow, event: SagaEvent): Promise<Applied> {
    const definition = this.definitionOf(saga);
    const decision = decide(definition, saga.state, event, { now: this.clock.now(), newId: this.newId });
    const lastSeq = saga.last_seq + decision.log.length;
    if (decision.changed) {
      const updated = await db.query(updateSaga(decision.state, saga.revision, lastSeq));
      if (updated.rowCount !== 1) {
        throw new Error(`saga ${saga.state.id} was changed concurrently (revision ${saga.revision})`);
      }
    } else if (decision.log.length > 0) {
      await db.query(updateSaga(saga.state, saga.revision, lastSeq));
    }
    const rows = await persistDecisionEffects(db, decision, saga.last_seq + 1);
    return { outcome: decision.changed ? 'applied' : 'ignored', decision, definition, rows };
  }

  private afterCommit(result: Applied | { outcome: ReplyHandling }, context: Record<string, string>): void {
    if (!('decision' in result)) return;
    this.publisher.publish(result.rows);
    this.notify(result.decision);
    const scope = { ...sagaScope(result.decision, result.definition), ...context };
    for (const entry of result.decision.log) {
      this.logger.info(entry.type, { ...scope, ...(entry.step === null ? {} : { step: entry.step }) });
    }
  }

  private notify(decision: Decision): void {
    for (const listener of this.listeners) listener.committed(decision);
  }

  private definitionOf(saga: LockedSagaRow): SagaDefinition {
    const definition = this.registry.get(saga.state.name, saga.state.version);
    if (definition === undefined) {
      throw new Error(
        `saga ${saga.state.id} uses ${saga.state.name}@${saga.state.version}, which is not stored`,
      );
    }
    return definition;
  }

  private async findByIdempotencyKey(db: Db, key: string, fingerprint: string | null): Promise<StartedSaga> {
    const found = await db.query<{
      id: string;
      name: string;
      version: number;
      status: SagaStatus;
      request_fingerprint: string | null;
    }>(findSagaByIdempotencyKey(key));
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

interface Applied {
  outcome: 'applied' | 'ignored';
  decision: Decision;
  definition: SagaDefinition;
  rows: OutboxRow[];
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
