import type { DataSource } from 'typeorm';
import type {
  Committed,
  DueTimer,
  IdempotentStart,
  NewSaga,
  SagaChange,
  SagaStore,
  StoredSaga,
} from '../orchestrator/ports';
import {
  type CommittedRow,
  type SagaChangeStatement,
  committed,
  insertSagas,
  updateSagas,
} from './saga-change-sql';
import {
  type DueTimerRow,
  type SagasForRepliesRow,
  findSagaByIdempotencyKey,
  readSaga,
  readSagasForReplies,
  selectDueTimers,
} from './saga-sql';
import { runQuery } from './sql';
import { isRefusedValue } from './sql-errors';

/** The saga store on PostgreSQL: hand-written statements, the hot ones named (prepared once per connection). */
export class PgSagaStore implements SagaStore {
  constructor(private readonly dataSource: DataSource) {}

  async read(sagaId: string): Promise<StoredSaga | null> {
    return (await runQuery<StoredSaga>(this.dataSource, readSaga(sagaId))).rows[0] ?? null;
  }

  async readForReplies(sagaIds: string[], replyIds: string[]): Promise<SagasForRepliesRow> {
    const { rows } = await runQuery<SagasForRepliesRow>(
      this.dataSource,
      readSagasForReplies(sagaIds, replyIds),
    );
    return rows[0]!;
  }

  async dueTimers(now: Date, limit: number): Promise<DueTimer[]> {
    const { rows } = await runQuery<DueTimerRow>(this.dataSource, selectDueTimers(now, limit));
    return rows.map(({ key, payload, ...saga }) => ({ key, payload, saga }));
  }

  async findByIdempotencyKey(key: string): Promise<IdempotentStart | null> {
    return (await runQuery<IdempotentStart>(this.dataSource, findSagaByIdempotencyKey(key))).rows[0] ?? null;
  }

  update(changes: SagaChange[], confirmedOutboxIds: string[]): Promise<Committed> {
    return this.commit(updateSagas(changes, confirmedOutboxIds), changes);
  }

  insert(sagas: NewSaga[], changes: SagaChange[], confirmedOutboxIds: string[]): Promise<Committed> {
    return this.commit(insertSagas(sagas, changes, confirmedOutboxIds), changes);
  }

  refusedValue(error: unknown): boolean {
    return isRefusedValue(error);
  }

  private async commit(statement: SagaChangeStatement, changes: SagaChange[]): Promise<Committed> {
    const { rows } = await runQuery<CommittedRow>(this.dataSource, statement);
    return committed(statement, changes, rows[0]!);
  }
}
