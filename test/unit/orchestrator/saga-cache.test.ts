import { SagaStatus } from '../../../src/core/status';
import { SagaCache } from '../../../src/orchestrator/saga-cache';
import type { StoredSaga } from '../../../src/orchestrator/ports';
import { orderRunAfter } from '../core/fixtures';

const running = orderRunAfter(1).state;
/** Every row weighs the same in these tests, so capacities read as numbers of rows. */
const ROW_BYTES = 100;

/** A saga row as the orchestrator remembers it after a write. */
function row(id: string, revision = 1, status: SagaStatus = SagaStatus.running): StoredSaga {
  return { id, state: { ...running, id, status }, revision, lastSeq: revision * 2 };
}

/** Which of the given sagas the cache holds; like `get`, it makes the held ones recent, in the order given. */
function held(cache: SagaCache, ids: string[]): string[] {
  return ids.filter((id) => cache.get(id) !== undefined);
}

describe('SagaCache', () => {
  it('returns the row last remembered for a saga, and nothing for a saga it never saw', () => {
    const cache = new SagaCache(10 * ROW_BYTES);
    cache.remember(row('a', 1), ROW_BYTES);
    cache.remember(row('a', 2), ROW_BYTES);

    expect(cache.get('a')).toEqual(row('a', 2));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('drops the least recently remembered saga beyond its capacity', () => {
    const cache = new SagaCache(2 * ROW_BYTES);
    cache.remember(row('a'), ROW_BYTES);
    cache.remember(row('b'), ROW_BYTES);
    expect(cache.size).toBe(2);

    cache.remember(row('c'), ROW_BYTES);

    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toEqual(row('b'));
    expect(cache.get('c')).toEqual(row('c'));
  });

  it('evicts in least-recently-used order, one saga per saga added', () => {
    const cache = new SagaCache(3 * ROW_BYTES);
    for (const id of ['a', 'b', 'c']) cache.remember(row(id), ROW_BYTES);

    cache.remember(row('d'), ROW_BYTES);
    expect(cache.get('a')).toBeUndefined();
    cache.remember(row('e'), ROW_BYTES);
    expect(cache.get('b')).toBeUndefined();
    expect(held(cache, ['c', 'd', 'e'])).toEqual(['c', 'd', 'e']);
    // The reads above made c, d, e recent in that order: c goes next.
    cache.remember(row('f'), ROW_BYTES);
    expect(held(cache, ['c', 'd', 'e', 'f'])).toEqual(['d', 'e', 'f']);
  });

  it('makes a saga recent again when it is read', () => {
    const cache = new SagaCache(2 * ROW_BYTES);
    cache.remember(row('a'), ROW_BYTES);
    cache.remember(row('b'), ROW_BYTES);

    expect(cache.get('a')).toEqual(row('a'));
    cache.remember(row('c'), ROW_BYTES);

    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual(row('a'));
    expect(cache.get('c')).toEqual(row('c'));
  });

  it('makes a saga recent again when it is written again', () => {
    const cache = new SagaCache(2 * ROW_BYTES);
    cache.remember(row('a', 1), ROW_BYTES);
    cache.remember(row('b', 1), ROW_BYTES);

    cache.remember(row('a', 2), ROW_BYTES);
    cache.remember(row('c', 1), ROW_BYTES);

    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.revision).toBe(2);
    expect(cache.size).toBe(2);
  });

  it('does not keep ended sagas, and drops the row of a saga that just ended', () => {
    const cache = new SagaCache(10 * ROW_BYTES);
    cache.remember(row('done', 1), ROW_BYTES);
    cache.remember(row('compensating', 1, SagaStatus.compensating), ROW_BYTES);
    expect(cache.size).toBe(2);

    cache.remember(row('done', 2, SagaStatus.completed), ROW_BYTES);
    cache.remember(row('compensated', 3, SagaStatus.compensated), ROW_BYTES);
    cache.remember(row('stuck', 4, SagaStatus.compensationFailed), ROW_BYTES);

    expect(cache.get('done')).toBeUndefined();
    expect(cache.get('compensated')).toBeUndefined();
    expect(cache.get('stuck')).toBeUndefined();
    expect(cache.get('compensating')?.state.status).toBe(SagaStatus.compensating);
    expect(cache.size).toBe(1);
  });

  it('does not evict a live saga to make room for an ended one', () => {
    const cache = new SagaCache(2 * ROW_BYTES);
    cache.remember(row('a'), ROW_BYTES);
    cache.remember(row('b'), ROW_BYTES);

    cache.remember(row('c', 5, SagaStatus.completed), ROW_BYTES);

    expect(held(cache, ['a', 'b', 'c'])).toEqual(['a', 'b']);
  });

  it('forgets a saga on request, and ignores a saga it does not hold', () => {
    const cache = new SagaCache(10 * ROW_BYTES);
    cache.remember(row('a'), ROW_BYTES);
    cache.remember(row('b'), ROW_BYTES);

    cache.forget('a');
    cache.forget('never-seen');

    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toEqual(row('b'));
    expect(cache.size).toBe(1);

    cache.remember(row('a', 7), ROW_BYTES);
    expect(cache.get('a')?.revision).toBe(7);
  });

  it('counts bytes, not rows: a large row pushes out as many small ones as it needs', () => {
    const cache = new SagaCache(4 * ROW_BYTES);
    for (const id of ['a', 'b', 'c', 'd']) cache.remember(row(id), ROW_BYTES);

    cache.remember(row('large'), 3 * ROW_BYTES);

    expect(held(cache, ['a', 'b', 'c', 'd', 'large'])).toEqual(['d', 'large']);
    expect(cache.sizeBytes).toBe(4 * ROW_BYTES);
  });

  it('keeps no row larger than its whole budget, and frees the bytes of rows it drops', () => {
    const cache = new SagaCache(2 * ROW_BYTES);
    cache.remember(row('a'), ROW_BYTES);
    cache.remember(row('huge'), 3 * ROW_BYTES);
    expect(held(cache, ['a', 'huge'])).toEqual(['a']);

    cache.remember(row('a', 2), 2 * ROW_BYTES);
    cache.forget('a');
    expect(cache.sizeBytes).toBe(0);
    cache.remember(row('b', 1, SagaStatus.completed), ROW_BYTES);
    expect(cache.sizeBytes).toBe(0);
  });

  it('holds as many bytes as it is given, 64 MiB say', () => {
    const cache = new SagaCache(64 * 1024 * 1024);
    const bytes = 64 * 1024;
    for (let n = 0; n <= 1024; n++) cache.remember(row(`saga-${n}`), bytes);

    expect(cache.size).toBe(1024);
    expect(cache.get('saga-0')).toBeUndefined();
    expect(cache.get('saga-1')).toBeDefined();
  });
});
