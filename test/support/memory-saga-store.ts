import type { SagaEvent } from '../../src/core/events';
import type {
  Committed,
  DueTimer,
  IdempotentStart,
  NewSaga,
  OutboxMessage,
  SagaChange,
  SagaStore,
  StoredSaga,
  TimerToSchedule,
} from '../../src/orchestrator/ports';

/** What the memory store throws for a value it is told to refuse, as PostgreSQL would for a value it cannot hold. */
export class RefusedValueError extends Error {}

interface SagaRecord extends StoredSaga {
  idempotencyKey: string | null;
  requestFingerprint: string | null;
  events: Array<SagaEvent & { seq: number }>;
  timers: Map<string, TimerToSchedule>;
}

/**
 * The saga store's rules without a database, for unit tests of the orchestrator: a change is written only if its
 * saga is at the expected revision and none of its replies was applied before; idempotency keys are unique; every
 * commit is atomic. It counts its commits and can be told to refuse a saga's value or to let "another engine
 * process" move a saga on between a read and a write.
 */
export class MemorySagaStore implements SagaStore {
  readonly sagas = new Map<string, SagaRecord>();
  readonly applied = new Set<string>();
  readonly outbox = new Map<string, OutboxMessage>();
  /** Every commit statement, with the sagas it carried. */
  readonly commits: Array<{ kind: 'update' | 'insert'; sagaIds: string[] }> = [];
  /** Saga ids whose change makes any commit that carries it throw a RefusedValueError. */
  readonly refusing = new Set<string>();
  /** Runs before each commit: a test moves a saga on here, as another engine process would. */
  beforeCommit: (changes: SagaChange[]) => void = () => undefined;
  private nextOutboxId = 1;

  async read(sagaId: string): Promise<StoredSaga | null> {
    const record = this.sagas.get(sagaId);
    return record === undefined ? null : stored(record);
  }

  async readForReplies(
    sagaIds: string[],
    replyIds: string[],
  ): Promise<{ sagas: StoredSaga[]; applied: string[] }> {
    return {
      sagas: sagaIds.flatMap((id) => {
        const record = this.sagas.get(id);
        return record === undefined ? [] : [stored(record)];
      }),
      applied: replyIds.filter((id) => this.applied.has(id)),
    };
  }

  async dueTimers(now: Date, limit: number): Promise<DueTimer[]> {
    const due = [...this.sagas.values()].flatMap((record) =>
      [...record.timers.values()]
        .filter((timer) => Date.parse(timer.fireAt) <= now.getTime())
        .map((timer) => ({
          saga: stored(record),
          key: timer.key,
          payload: timer.payload,
          fireAt: timer.fireAt,
        })),
    );
    due.sort((a, b) => Date.parse(a.fireAt) - Date.parse(b.fireAt));
    return due.slice(0, limit).map(({ saga, key, payload }) => ({ saga, key, payload }));
  }

  async findByIdempotencyKey(key: string): Promise<IdempotentStart | null> {
    const record = [...this.sagas.values()].find((saga) => saga.idempotencyKey === key);
    if (record === undefined) return null;
    const { id, state, requestFingerprint } = record;
    return { id, name: state.name, version: state.version, status: state.status, requestFingerprint };
  }

  async update(changes: SagaChange[], confirmedOutboxIds: string[]): Promise<Committed> {
    this.begin('update', changes);
    const written = changes.filter((change) => {
      const record = this.sagas.get(change.sagaId);
      return (
        record !== undefined &&
        record.revision === change.expectedRevision &&
        !change.processedReplies.some((id) => this.applied.has(id))
      );
    });
    return this.apply(written, confirmedOutboxIds);
  }

  async insert(sagas: NewSaga[], changes: SagaChange[], confirmedOutboxIds: string[]): Promise<Committed> {
    this.begin('insert', changes);
    const taken = new Set([...this.sagas.values()].map((saga) => saga.idempotencyKey));
    const written: SagaChange[] = [];
    sagas.forEach((saga, index) => {
      if (saga.idempotencyKey !== null && taken.has(saga.idempotencyKey)) return;
      taken.add(saga.idempotencyKey);
      this.sagas.set(saga.state.id, {
        id: saga.state.id,
        state: saga.state,
        revision: 0,
        lastSeq: 0,
        idempotencyKey: saga.idempotencyKey,
        requestFingerprint: saga.requestFingerprint,
        events: [],
        timers: new Map(),
      });
      written.push(changes[index]!);
    });
    return this.apply(written, confirmedOutboxIds);
  }

  refusedValue(error: unknown): boolean {
    return error instanceof RefusedValueError;
  }

  /** The saga's events as committed, oldest first. */
  eventsOf(sagaId: string): Array<SagaEvent & { seq: number }> {
    return this.sagas.get(sagaId)?.events ?? [];
  }

  /** Moves a saga on as another engine process would: its revision changes under the orchestrator. */
  bumpRevision(sagaId: string): void {
    const record = this.sagas.get(sagaId);
    if (record !== undefined) record.revision += 1;
  }

  private begin(kind: 'update' | 'insert', changes: SagaChange[]): void {
    this.beforeCommit(changes);
    this.commits.push({ kind, sagaIds: changes.map((change) => change.sagaId) });
    const refused = changes.find((change) => this.refusing.has(change.sagaId));
    if (refused !== undefined) throw new RefusedValueError(`refused a value of saga ${refused.sagaId}`);
  }

  private apply(changes: SagaChange[], confirmedOutboxIds: string[]): Committed {
    const queued: OutboxMessage[] = [];
    const rowBytes = new Map<string, number>();
    for (const change of changes) {
      const record = this.sagas.get(change.sagaId)!;
      record.revision += 1;
      record.lastSeq = change.lastSeq;
      if (change.state !== null) record.state = change.state;
      record.events.push(...change.events);
      for (const id of change.processedReplies) this.applied.add(id);
      if (change.clearTimers) record.timers.clear();
      for (const key of change.cancelledTimers) record.timers.delete(key);
      for (const timer of change.scheduledTimers) record.timers.set(timer.key, timer);
      for (const command of change.commands) {
        const message = { ...command, id: String(this.nextOutboxId++), sagaId: change.sagaId };
        this.outbox.set(message.id, message);
        queued.push(message);
      }
      rowBytes.set(change.sagaId, JSON.stringify(record.state).length);
    }
    for (const id of confirmedOutboxIds) this.outbox.delete(id);
    return { written: new Set(changes.map((change) => change.sagaId)), queued, rowBytes };
  }
}

function stored({ id, state, revision, lastSeq }: SagaRecord): StoredSaga {
  return { id, state, revision, lastSeq };
}
