import { isTerminal } from '../core/status';
import type { SagaRow } from '../persistence/saga-sql';

/**
 * The last row this instance wrote for each saga it is driving, so that applying a reply usually needs no read.
 * Only a hint: every write checks the revision, and a saga changed elsewhere is read again. Least recently used
 * sagas are dropped beyond `capacity`; ended sagas are not kept.
 */
export class SagaCache {
  private readonly rows = new Map<string, SagaRow>();

  constructor(private readonly capacity = 10_000) {}

  get(sagaId: string): SagaRow | undefined {
    const row = this.rows.get(sagaId);
    if (row !== undefined) {
      this.rows.delete(sagaId);
      this.rows.set(sagaId, row);
    }
    return row;
  }

  remember(row: SagaRow): void {
    this.rows.delete(row.id);
    if (isTerminal(row.state.status)) return;
    this.rows.set(row.id, row);
    if (this.rows.size > this.capacity) {
      this.rows.delete(this.rows.keys().next().value!);
    }
  }

  forget(sagaId: string): void {
    this.rows.delete(sagaId);
  }

  get size(): number {
    return this.rows.size;
  }
}
