import { Client, Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { SagaStatus } from '../../src/core/status';
import { createDataSource } from '../../src/persistence/data-source';
import {
  type DeletedRows,
  RETENTION_LOCK_ID,
  noDeletedRows,
  oldestOverdue,
} from '../../src/persistence/retention-sql';
import { runQuery } from '../../src/persistence/sql';
import { RetentionSweeper, type SweepResult } from '../../src/retention/retention-sweeper';
import { systemClock } from '../../src/shared/clock';
import { silentLogger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { type MigratedDatabase, createMigratedDatabase } from '../support/database';
import { orderSagaYaml } from '../support/order-saga';
import {
  deadLettersKept,
  hoursAgo,
  insertDeadLetters,
  insertSagas,
  rowsOf,
  storeDefinition,
} from '../support/retention-rows';
import { type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';

const ONE_HOUR_MS = 3_600_000;
const none = { sagas: 0, events: 0, replies: 0, timers: 0 };

/** Records every statement's deletions, as the engine's metrics receive them. */
function recordingListener(): { statements: DeletedRows[]; retentionDeleted(rows: DeletedRows): void } {
  const statements: DeletedRows[] = [];
  return { statements, retentionDeleted: (rows) => statements.push(rows) };
}

function sweeperOn(
  dataSource: DataSource,
  listener = recordingListener(),
  betweenBatches?: () => Promise<void>,
): RetentionSweeper {
  return new RetentionSweeper({
    dataSource,
    clock: systemClock,
    logger: silentLogger,
    retentionMs: ONE_HOUR_MS,
    listener,
    ...(betweenBatches === undefined ? {} : { betweenBatches }),
  });
}

/** Per statement of the sweep: the sagas deleted, and the dead letters. */
function perStatement(result: SweepResult): { sagas: number[]; deadLetters: number[] } {
  if (!result.swept) throw new Error('the sweep was skipped');
  return {
    sagas: result.sagaStatements.map((statement) => statement.saga_instances),
    deadLetters: result.deadLetterStatements.map((statement) => statement.dead_letters),
  };
}

describe('retention: the sweep on PostgreSQL (RETENTION=1h)', () => {
  let database: MigratedDatabase;
  let pool: Pool;

  beforeAll(async () => {
    database = await createMigratedDatabase(4);
    pool = new Pool({ connectionString: database.url, max: 4 });
    await storeDefinition(pool);
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  afterEach(async () => {
    await pool.query(
      'TRUNCATE saga_instances, saga_events, saga_timers, processed_replies, dead_letters CASCADE',
    );
  });

  it('deletes finished sagas past retention with their log, replies and timers, and nothing else', async () => {
    const old = { createdAt: hoursAgo(3), updatedAt: hoursAgo(2) };
    const expired = [
      ...(await insertSagas(pool, { status: SagaStatus.completed, count: 3, ...old })),
      ...(await insertSagas(pool, { status: SagaStatus.compensated, count: 3, ...old })),
      ...(await insertSagas(pool, { status: SagaStatus.completed, count: 3, ...old })),
    ];
    // COMPENSATION_FAILED waits for an operator: kept, like the sagas that have not finished.
    const kept = [
      ...(await insertSagas(pool, { status: SagaStatus.running, count: 2, ...old })),
      ...(await insertSagas(pool, { status: SagaStatus.compensating, count: 2, ...old })),
      ...(await insertSagas(pool, { status: SagaStatus.suspended, count: 2, ...old })),
      ...(await insertSagas(pool, { status: SagaStatus.compensationFailed, count: 2, ...old })),
    ];
    const recent = [
      ...(await insertSagas(pool, {
        status: SagaStatus.completed,
        count: 2,
        createdAt: hoursAgo(0.2),
        updatedAt: hoursAgo(0.1),
      })),
      // Started long ago, finished within the hour: kept until an hour after it finished.
      ...(await insertSagas(pool, {
        status: SagaStatus.compensated,
        count: 2,
        createdAt: hoursAgo(50),
        updatedAt: hoursAgo(0.5),
      })),
    ];
    const listener = recordingListener();

    const result = await sweeperOn(database.dataSource, listener).sweep();

    expect(await rowsOf(pool, expired)).toEqual(none);
    expect(await rowsOf(pool, kept)).toEqual({ sagas: 8, events: 16, replies: 8, timers: 8 });
    expect(await rowsOf(pool, recent)).toEqual({ sagas: 4, events: 8, replies: 4, timers: 4 });
    const nothing = noDeletedRows();
    const deletedWithSagas = { saga_instances: 9, saga_events: 18, processed_replies: 9, saga_timers: 9 };
    expect(result).toEqual({
      swept: true,
      sagaStatements: [{ ...nothing, ...deletedWithSagas }],
      deadLetterStatements: [nothing],
    });
    expect(listener.statements).toEqual([{ ...nothing, ...deletedWithSagas }, nothing]);
  });

  it('deletes dead letters received before retention and keeps the recent ones', async () => {
    const old = await insertDeadLetters(pool, 5, hoursAgo(1.5));
    const recent = await insertDeadLetters(pool, 3, hoursAgo(0.5));

    const result = await sweeperOn(database.dataSource).sweep();

    expect(await deadLettersKept(pool, old)).toBe(0);
    expect(await deadLettersKept(pool, recent)).toBe(3);
    expect(perStatement(result)).toEqual({ sagas: [0], deadLetters: [5] });
  });

  it('deletes at most 1,000 sagas or dead letters per statement, and goes on until none is left', async () => {
    const old = { createdAt: hoursAgo(3), updatedAt: hoursAgo(2) };
    const sagas = await insertSagas(pool, { status: SagaStatus.completed, count: 2_500, ...old });
    const letters = await insertDeadLetters(pool, 1_200, hoursAgo(2));
    let pauses = 0;

    const result = await sweeperOn(database.dataSource, recordingListener(), async () => {
      pauses += 1;
    }).sweep();

    expect(perStatement(result)).toEqual({ sagas: [1_000, 1_000, 500], deadLetters: [1_000, 200] });
    expect(result.swept && result.sagaStatements.map((statement) => statement.saga_events)).toEqual([
      2_000, 2_000, 1_000,
    ]);
    expect(pauses).toBe(3);
    expect(await rowsOf(pool, sagas)).toEqual(none);
    expect(await deadLettersKept(pool, letters)).toBe(0);
  });

  it('skips its turn while another session holds the retention lock, and sweeps once it is released', async () => {
    const sagas = await insertSagas(pool, {
      status: SagaStatus.completed,
      count: 10,
      createdAt: hoursAgo(3),
      updatedAt: hoursAgo(2),
    });
    const other = new Client({ connectionString: database.url });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [RETENTION_LOCK_ID]);
      const sweeper = sweeperOn(database.dataSource);

      expect(await sweeper.sweep()).toEqual({ swept: false });
      expect((await rowsOf(pool, sagas)).sagas).toBe(10);

      await other.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK_ID]);
      expect(perStatement(await sweeper.sweep())).toEqual({ sagas: [10], deadLetters: [0] });
      expect((await rowsOf(pool, sagas)).sagas).toBe(0);
    } finally {
      await other.end();
    }
  });

  it('passes over a saga an engine process is writing, and deletes it on a later sweep', async () => {
    const old = { createdAt: hoursAgo(3), updatedAt: hoursAgo(2) };
    const [written] = await insertSagas(pool, { status: SagaStatus.compensated, count: 1, ...old });
    const others = await insertSagas(pool, { status: SagaStatus.completed, count: 2, ...old });
    const writer = new Client({ connectionString: database.url });
    await writer.connect();
    try {
      // As the saga change statement locks a saga it writes.
      await writer.query('BEGIN');
      await writer.query('SELECT id FROM saga_instances WHERE id = $1 FOR NO KEY UPDATE', [written]);
      const sweeper = sweeperOn(database.dataSource);

      expect(perStatement(await sweeper.sweep()).sagas).toEqual([2]);
      expect((await rowsOf(pool, [written!])).sagas).toBe(1);
      expect((await rowsOf(pool, others)).sagas).toBe(0);

      await writer.query('COMMIT');
      expect(perStatement(await sweeper.sweep()).sagas).toEqual([1]);
      expect((await rowsOf(pool, [written!])).sagas).toBe(0);
    } finally {
      await writer.end();
    }
  });

  it('lets one of two sweepers on two pools delete while the other, started mid-sweep, deletes nothing', async () => {
    const sagas = await insertSagas(pool, {
      status: SagaStatus.completed,
      count: 2_500,
      createdAt: hoursAgo(3),
      updatedAt: hoursAgo(2),
    });
    const secondPool = await createDataSource(database.url, 2).initialize();
    try {
      let paused!: () => void;
      const firstPause = new Promise<void>((resolve) => (paused = resolve));
      let resume!: () => void;
      const gate = new Promise<void>((resolve) => (resume = resolve));
      const first = sweeperOn(database.dataSource, recordingListener(), async () => {
        paused();
        await gate;
      });
      const secondListener = recordingListener();
      const second = sweeperOn(secondPool, secondListener);

      const firstSweep = first.sweep();
      await firstPause;
      const secondSweep = await second.sweep();
      const leftMidSweep = (await rowsOf(pool, sagas)).sagas;
      resume();

      expect(secondSweep).toEqual({ swept: false });
      expect(secondListener.statements).toEqual([]);
      expect(leftMidSweep).toBe(1_500);
      expect(perStatement(await firstSweep).sagas).toEqual([1_000, 1_000, 500]);
      expect((await rowsOf(pool, sagas)).sagas).toBe(0);
    } finally {
      await secondPool.destroy();
    }
  });

  it('tells how long past retention the oldest row still kept is, and 0 once none is', async () => {
    const cutoff = new Date(Date.now() - ONE_HOUR_MS);
    const overdueSeconds = async () =>
      (await runQuery<{ seconds: number }>(database.dataSource, oldestOverdue(cutoff))).rows[0]!.seconds;
    expect(await overdueSeconds()).toBe(0);

    await insertSagas(pool, {
      status: SagaStatus.completed,
      count: 1,
      createdAt: hoursAgo(4),
      updatedAt: hoursAgo(3),
    });
    await insertDeadLetters(pool, 1, hoursAgo(2));
    await insertSagas(pool, {
      status: SagaStatus.running,
      count: 1,
      createdAt: hoursAgo(9),
      updatedAt: hoursAgo(9),
    });
    // The finished saga, two hours past the cut-off; the running one does not count.
    expect(await overdueSeconds()).toBeCloseTo(2 * 3600, -1);

    await sweeperOn(database.dataSource).sweep();
    expect(await overdueSeconds()).toBe(0);
  });
});

describe('retention in a running engine', () => {
  let engine: TestEngine;
  let pool: Pool;

  beforeAll(async () => {
    engine = await startTestEngine({
      sagas: { 'order-fulfillment.yaml': orderSagaYaml() },
      // A sweep every second (a tenth of RETENTION, at least a second).
      env: { RETENTION: '10s' },
    });
    pool = new Pool({ connectionString: engine.database.url, max: 2 });
  });

  afterAll(async () => {
    await pool?.end();
    await engine?.stop();
  });

  it('sweeps by itself, and reports what it deleted in /metrics and GET /api/stats', async () => {
    const sagas = await insertSagas(pool, {
      status: SagaStatus.completed,
      count: 3,
      createdAt: hoursAgo(2),
      updatedAt: hoursAgo(1),
    });
    const letters = await insertDeadLetters(pool, 2, hoursAgo(1));

    await waitFor('the sweep', async () =>
      (await rowsOf(pool, sagas)).sagas === 0 && (await deadLettersKept(pool, letters)) === 0
        ? true
        : undefined,
    );

    expect(await rowsOf(pool, sagas)).toEqual(none);
    const metrics = await (await fetch(`${engine.baseUrl}/metrics`)).text();
    expect(metrics).toContain('saga_retention_deleted_total{table="saga_instances"} 3');
    expect(metrics).toContain('saga_retention_deleted_total{table="saga_events"} 6');
    expect(metrics).toContain('saga_retention_deleted_total{table="dead_letters"} 2');
    expect(metrics).toMatch(/^saga_retention_oldest_overdue_seconds 0$/m);
    const stats = await engine.request('GET', '/api/stats');
    expect(stats.status).toBe(200);
    expect(stats.body.retention).toEqual({
      period: '10s',
      deletedTotal: {
        saga_instances: 3,
        saga_events: 6,
        processed_replies: 3,
        saga_timers: 3,
        dead_letters: 2,
      },
      oldestOverdueSeconds: 0,
    });
  });
});
