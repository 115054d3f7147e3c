import { isTerminal } from '../core/status';
import type { StoredSaga } from './ports';

/**
 * The last row this engine process wrote for each saga it is driving, so that applying a reply usually needs no
 * read. Only a hint: every write checks the revision, and a saga changed elsewhere is read again. Bounded by the
 * size of the rows as written (their JSON length, which the write measured anyway), not by their number: one saga
 * with large outputs weighs as much as thousands of small ones. Least recently used sagas go first; a row larger
 * than the whole budget and ended sagas are not kept.
 */
export class SagaCache {
  private readonly rows = new Map<string, { row: StoredSaga; bytes: number }>();
  private bytes = 0;

  constructor(private readonly capacityBytes: number) {}

  get(sagaId: string): StoredSaga | undefined {
    const entry = this.rows.get(sagaId);
    if (entry === undefined) return undefined;
    this.rows.delete(sagaId);
    this.rows.set(sagaId, entry);
    return entry.row;
  }

  remember(row: StoredSaga, bytes: number): void {
    this.forget(row.id);
    if (isTerminal(row.state.status) || bytes > this.capacityBytes) return;
    this.rows.set(row.id, { row, bytes });
    this.bytes += bytes;
    for (const [id, oldest] of this.rows) {
      if (this.bytes <= this.capacityBytes) break;
      this.rows.delete(id);
      this.bytes -= oldest.bytes;
    }
  }

  /** The bytes counted for a saga held, if any. */
  bytesOf(sagaId: string): number | undefined {
    return this.rows.get(sagaId)?.bytes;
  }

  forget(sagaId: string): void {
    const entry = this.rows.get(sagaId);
    if (entry === undefined) return;
    this.rows.delete(sagaId);
    this.bytes -= entry.bytes;
  }

  get size(): number {
    return this.rows.size;
  }

  /** The JSON length of the rows held. */
  get sizeBytes(): number {
    return this.bytes;
  }
}
