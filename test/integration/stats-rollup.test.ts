import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { silentLogger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { insertFinishedSagas } from '../../src/bench/generated-sagas';
import { SagaStatus } from '../../src/core/status';
import { StatsRollup } from '../../src/observability/stats-rollup';
import { RetentionSweeper } from '../../src/retention/retention-sweeper';
import { orderSagaYaml } from '../support/order-saga';
import { SAGA_NAME, hoursAgo, insertSagas } from '../support/retention-rows';
import { type TestEngine, startTestEngine } from '../support/test-engine';

const HOUR_MS = 3_600_000;

/** Everything GET /api/stats derives from the sagas started in the window. */
function windowFigures(body: Record<string, unknown>) {
  const { counts, startedPerMinute, finishedPerMinute, duration, steps } = body;
  return { counts, startedPerMinute, finishedPerMinute, duration, steps };
}

/**
 * The per-minute totals stand in for the sagas of the minutes they hold: every figure of GET /api/stats is the
 * same before and after the roll-up, for windows that start on a minute and within one.
 */
describe('GET /api/stats from the per-minute totals (STATS_ROLLUP)', () => {
  let engine: TestEngine;
  let pool: Pool;
  let rollup: StatsRollup;
  let runningIds: string[];
  // Six hours and a half ago, and a quarter past an hour ago, a few seconds into their minutes.
  const windows = [hoursAgo(6.5), new Date(Date.now() - 1.25 * HOUR_MS - 7_000)];

  const readStats = async (since: Date) => {
    const { status, body } = await engine.request(
      'GET',
      `/api/stats?name=${SAGA_NAME}&since=${since.toISOString()}`,
    );
    expect(status).toBe(200);
    return windowFigures(body);
  };
  const readAll = () => Promise.all(windows.map(readStats));
  const tableRows = async (table: string) =>
    (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n;
  /** The counts per status of each window, straight from saga_instances. */
  const countsInTable = () =>
    Promise.all(
      windows.map(async (since) => {
        const { rows: counts } = await pool.query<{ status: string; count: number }>(
          `SELECT status, count(*)::int AS count FROM saga_instances WHERE created_at >= $1 AND name = $2
           GROUP BY status ORDER BY status`,
          [since, SAGA_NAME],
        );
        return counts;
      }),
    );
  const countsServed = async () =>
    (await readAll()).map((figures) =>
      (figures.counts as Array<{ status: string; count: number }>).map(({ status, count }) => ({
        status,
        count,
      })),
    );

  beforeAll(async () => {
    engine = await startTestEngine({
      sagas: { 'order-fulfillment.yaml': orderSagaYaml() },
      // The test adds the minutes itself; RETENTION = 6h leaves the oldest seeded minutes past it.
      env: { STATS_ROLLUP: 'off', RETENTION: '6h' },
    });
    pool = new Pool({ connectionString: engine.database.url, max: 2 });
    rollup = engine.app.get(StatsRollup);
    const client = await pool.connect();
    try {
      // 1,200 sagas with the state of a 3-step saga, one every 18 s from seven hours ago: 1 in 50 COMPENSATED,
      // 1 in 50 COMPENSATION_FAILED (not final: an operator may resolve it).
      await insertFinishedSagas(client, {
        first: 1,
        count: 1_200,
        start: hoursAgo(7),
        spacingMs: 18_000,
      });
    } finally {
      client.release();
    }
    const seed = (status: SagaStatus, count: number, startedHoursAgo: number, tookHours: number) =>
      insertSagas(pool, {
        status,
        count,
        createdAt: hoursAgo(startedHoursAgo),
        updatedAt: hoursAgo(startedHoursAgo - tookHours),
      });
    await seed(SagaStatus.completed, 5, 3, 0.5);
    await seed(SagaStatus.compensated, 2, 2, 0.01);
    runningIds = await seed(SagaStatus.running, 3, 2, 0.1);
    await seed(SagaStatus.suspended, 1, 1.5, 0.1);
  });

  afterAll(async () => {
    await pool?.end();
    await engine?.stop();
  });

  it('reads the same figures once the passed minutes are added', async () => {
    const live = await readAll();
    expect(live[0]?.counts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ status: SagaStatus.completed }),
        expect.objectContaining({ status: SagaStatus.running, count: 3 }),
      ]),
    );

    const result = await rollup.catchUp();
    expect(result).toEqual({ rolled: false, reason: 'up to date' });
    const { rows } = await pool.query<{ rolled_until: Date }>('SELECT rolled_until FROM saga_stats_progress');
    expect(Date.now() - rows[0]!.rolled_until.getTime()).toBeLessThan(3 * 60_000);
    expect(await tableRows('saga_stats_minutes')).toBeGreaterThan(300);
    // RUNNING and SUSPENDED sagas wait until they are terminal; what the COMPENSATION_FAILED ones (24 of the
    // generated) added is remembered.
    expect(await tableRows('saga_stats_pending')).toBe(3 + 1);
    expect(await tableRows('saga_stats_compensation_failed')).toBe(24);

    expect(await readAll()).toEqual(live);
  });

  it('adds a kept saga to its minute once it is final, counting it once', async () => {
    await pool.query(
      `UPDATE saga_instances SET status = 'COMPLETED', updated_at = now() WHERE id = ANY($1::uuid[])`,
      [runningIds],
    );
    const live = await readAll();
    const completed = (figures: (typeof live)[number]) =>
      (figures.counts as Array<{ status: string; count: number }>)
        .filter((row) => row.status === SagaStatus.completed)
        .reduce((sum, row) => sum + row.count, 0);
    const before = completed(live[0]!);

    await rollup.catchUp();
    expect(await tableRows('saga_stats_pending')).toBe(1);
    const rolled = await readAll();
    expect(rolled).toEqual(live);
    expect(completed(rolled[0]!)).toBe(before);
    // Once more: nothing is added twice.
    await rollup.catchUp();
    expect(await readAll()).toEqual(live);
  });

  it('takes back what a COMPENSATION_FAILED saga added once an operator moves it on', async () => {
    const { rows } = await pool.query<{ id: string }>(
      `SELECT saga_id AS id FROM saga_stats_compensation_failed ORDER BY created_at DESC LIMIT 2`,
    );
    const ids = rows.map((row) => row.id);
    const moveOn = async (status: SagaStatus) => {
      await pool.query(
        `UPDATE saga_instances SET status = $2, updated_at = now(),
                state = jsonb_set(state, '{steps,0,compensation}', '{"status": "SUCCEEDED"}')
         WHERE id = ANY($1::uuid[])`,
        [ids, status],
      );
      // The next turn of the roll-up takes the saga back out of its minute's totals.
      await rollup.catchUp();
      expect(await countsServed()).toEqual(await countsInTable());
    };

    await moveOn(SagaStatus.compensating);
    expect(await tableRows('saga_stats_compensation_failed')).toBe(22);
    expect(await tableRows('saga_stats_pending')).toBe(1 + 2);
    expect((await countsServed())[0]).toEqual(
      expect.arrayContaining([{ status: SagaStatus.compensating, count: 2 }]),
    );

    await moveOn(SagaStatus.compensated);
    expect(await tableRows('saga_stats_pending')).toBe(1);
    const { rows: totals } = await pool.query<{ n: number }>(
      `SELECT sum(count)::int AS n FROM saga_stats_minutes WHERE status = 'COMPENSATION_FAILED'`,
    );
    expect(totals[0]?.n).toBe(22);
  });

  it('adds each saga once when several engine processes roll up at once', async () => {
    const client = await pool.connect();
    try {
      // Started in the last minute, 200 ms apart (saga g starts at start + (g - 1) × 200 ms): not yet added.
      await insertFinishedSagas(client, {
        first: 10_001,
        count: 200,
        start: new Date(Date.now() - 50_000 - 10_000 * 200),
        spacingMs: 200,
      });
    } finally {
      client.release();
    }
    const live = await readAll();
    // Processes that add minutes up to two minutes ahead (a lag of -2 min), so the last minute is theirs to add.
    const processes = [1, 2, 3].map(
      () => new StatsRollup(engine.app.get(DataSource), silentLogger, -120_000),
    );
    const results = await Promise.all(processes.map((process) => process.rollUp()));
    expect(results.filter((result) => result.rolled)).toHaveLength(1);
    // The others found the lock taken, or (on one connection, as embedded) every minute added.
    const others = results.flatMap((result) => (result.rolled ? [] : [result.reason]));
    expect(others).toHaveLength(2);
    for (const reason of others) expect(['locked', 'up to date']).toContain(reason);
    await Promise.all(processes.map((process) => process.catchUp()));
    expect(await readAll()).toEqual(live);
    const { rows } = await pool.query<{ n: number }>(
      `SELECT coalesce(sum(count), 0)::int AS n FROM saga_stats_minutes WHERE started_minute >= $1`,
      [new Date(Date.now() - 2 * 60_000)],
    );
    expect(rows[0]?.n).toBe(200);
  });

  it('drops the totals of the minutes past RETENTION with the sagas', async () => {
    const cutoff = hoursAgo(6);
    const older = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM saga_stats_minutes WHERE started_minute < $1',
      [cutoff],
    );
    expect(older.rows[0]?.n).toBeGreaterThan(0);

    const result = await engine.app.get(RetentionSweeper).sweep();
    expect(result.swept).toBe(true);
    for (const table of ['saga_stats_minutes', 'saga_duration_minutes', 'saga_step_stats_minutes']) {
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${table} WHERE started_minute < $1`,
        [cutoff],
      );
      expect({ table, rows: rows[0]?.n }).toEqual({ table, rows: 0 });
    }
    const remembered = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM saga_stats_compensation_failed WHERE date_trunc('minute', created_at) < $1`,
      [cutoff],
    );
    expect(remembered.rows[0]?.n).toBe(0);
    expect(await tableRows('saga_stats_minutes')).toBeGreaterThan(0);
    expect(await tableRows('saga_stats_compensation_failed')).toBeGreaterThan(0);
    // A window reaching past the cut-off reads what retention kept of those minutes live.
    expect(await countsServed()).toEqual(await countsInTable());
  });

  it('reads every saga live once the totals have fallen ten minutes behind', async () => {
    const { rows } = await pool.query<{ rolled_until: Date }>('SELECT rolled_until FROM saga_stats_progress');
    await pool.query(`UPDATE saga_stats_progress SET rolled_until = now() - interval '20 minutes'`);
    // Every total is left out, and every saga of the window read live: the counts are still those of the table.
    expect(await countsServed()).toEqual(await countsInTable());
    await pool.query('UPDATE saga_stats_progress SET rolled_until = $1', [rows[0]!.rolled_until]);
    expect(await countsServed()).toEqual(await countsInTable());
  });
});
