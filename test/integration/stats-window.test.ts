import { Pool } from 'pg';
import { SagaStatus } from '../../src/core/status';
import { countOpen } from '../../src/persistence/stats-sql';
import { orderSagaYaml } from '../support/order-saga';
import { SAGA_NAME, hoursAgo, insertSagas } from '../support/retention-rows';
import { type TestEngine, startTestEngine } from '../support/test-engine';

type Row = { status: string; count: number };
const byStatus = (rows: Row[]) => Object.fromEntries(rows.map((row) => [row.status, row.count]));

describe('GET /api/stats: counts of the window, and the sagas still open whenever they started', () => {
  let engine: TestEngine;
  let pool: Pool;

  beforeAll(async () => {
    engine = await startTestEngine({
      sagas: { 'order-fulfillment.yaml': orderSagaYaml() },
      // Seeded rows are back-dated into minutes a roll-up may have passed; this suite reads them live.
      env: { STATS_ROLLUP: 'off' },
    });
    pool = new Pool({ connectionString: engine.database.url, max: 2 });
    const seed = (status: SagaStatus, count: number, startedHoursAgo: number) =>
      insertSagas(pool, {
        status,
        count,
        createdAt: hoursAgo(startedHoursAgo),
        updatedAt: hoursAgo(startedHoursAgo),
      });
    await seed(SagaStatus.completed, 4, 3);
    await seed(SagaStatus.compensationFailed, 2, 3);
    await seed(SagaStatus.running, 1, 3);
    await seed(SagaStatus.completed, 3, 0.2);
    await seed(SagaStatus.suspended, 1, 0.2);
  });

  afterAll(async () => {
    await pool?.end();
    await engine?.stop();
  });

  it('counts only the sagas started in the window, and the open ones of any age', async () => {
    const { status, body } = await engine.request('GET', `/api/stats?name=${SAGA_NAME}`);
    expect(status).toBe(200);
    expect(byStatus(body.counts)).toEqual({ COMPLETED: 3, SUSPENDED: 1 });
    expect(byStatus(body.open)).toEqual({ COMPENSATION_FAILED: 2, RUNNING: 1, SUSPENDED: 1 });
    expect(body.suspended).toBe(1);
    expect(body.oldestUnfinishedAgeSeconds).toBeGreaterThan(3 * 3600 - 120);
  });

  it('widens the counts with `since`, leaving `open` as it is', async () => {
    const since = hoursAgo(4).toISOString();
    const { status, body } = await engine.request('GET', `/api/stats?name=${SAGA_NAME}&since=${since}`);
    expect(status).toBe(200);
    expect(byStatus(body.counts)).toEqual({
      COMPLETED: 7,
      COMPENSATION_FAILED: 2,
      RUNNING: 1,
      SUSPENDED: 1,
    });
    expect(byStatus(body.open)).toEqual({ COMPENSATION_FAILED: 2, RUNNING: 1, SUSPENDED: 1 });
  });

  it('reads the open sagas from the status index alone (index-only scan)', async () => {
    const client = await pool.connect();
    try {
      // As the engine plans it (src/persistence/data-source.ts), on a vacuumed table (as autovacuum keeps a large
      // one); other scans only win on a table this small.
      await client.query('VACUUM (ANALYZE) saga_instances');
      await client.query('SET plan_cache_mode = force_generic_plan');
      await client.query('SET enable_seqscan = off');
      await client.query('SET enable_bitmapscan = off');
      const statement = countOpen({ since: new Date(), name: SAGA_NAME });
      await client.query(`PREPARE open_counts AS ${statement.text}`);
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN EXECUTE open_counts('${SAGA_NAME}')`,
      );
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan).toContain('Index Only Scan using saga_instances_status_idx');
    } finally {
      client.release();
    }
  });
});
