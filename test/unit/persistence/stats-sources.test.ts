import type { RollupProgress } from '../../../src/persistence/stats-rollup-sql';
import { statsSources } from '../../../src/persistence/stats-sql';

const at = (iso: string) => new Date(iso);
const progress = (rolledUntil: string, more: Partial<RollupProgress> = {}): RollupProgress => ({
  rolled_until: at(rolledUntil),
  expired_before: null,
  fresh: true,
  ...more,
});

describe('statsSources: which minutes of a statistics window the per-minute totals answer', () => {
  it('reads the whole window live before the first roll-up', () => {
    const since = at('2026-01-01T10:00:30Z');
    expect(statsSources({ since, name: null }, null)).toEqual({
      since,
      name: null,
      rolledFrom: since,
      rolledTo: since,
    });
  });

  it('takes the whole minutes from the first one after `since` up to the first not added', () => {
    expect(
      statsSources({ since: at('2026-01-01T10:00:30Z'), name: 'o' }, progress('2026-01-01T12:00:00Z')),
    ).toEqual({
      since: at('2026-01-01T10:00:30Z'),
      name: 'o',
      rolledFrom: at('2026-01-01T10:01:00Z'),
      rolledTo: at('2026-01-01T12:00:00Z'),
    });
    expect(
      statsSources({ since: at('2026-01-01T10:00:00Z'), name: null }, progress('2026-01-01T10:05:00Z')),
    ).toMatchObject({ rolledFrom: at('2026-01-01T10:00:00Z'), rolledTo: at('2026-01-01T10:05:00Z') });
  });

  it('reads live a window that starts after the last minute added', () => {
    const since = at('2026-01-01T12:00:10Z');
    expect(statsSources({ since, name: null }, progress('2026-01-01T12:00:00Z'))).toMatchObject({
      rolledFrom: since,
      rolledTo: since,
    });
  });

  it('reads live the minutes whose totals retention deleted', () => {
    const since = at('2026-01-01T08:00:00Z');
    expect(
      statsSources(
        { since, name: null },
        progress('2026-01-01T12:00:00Z', { expired_before: at('2026-01-01T09:00:00Z') }),
      ),
    ).toMatchObject({ rolledFrom: at('2026-01-01T09:00:00Z'), rolledTo: at('2026-01-01T12:00:00Z') });
  });

  it('reads everything live while the roll-up has fallen behind', () => {
    const since = at('2026-01-01T08:00:00Z');
    expect(
      statsSources({ since, name: null }, progress('2026-01-01T12:00:00Z', { fresh: false })),
    ).toMatchObject({ rolledFrom: since, rolledTo: since });
  });
});
