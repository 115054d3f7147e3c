import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import type { BenchEnvironment } from './bench-environment';
import { startBenchEngine } from './bench-engine';
import {
  type DashboardLatency,
  type DashboardQuery,
  dashboardLatency,
  nextCursor,
} from './dashboard-latency';
import { runEngineScenario } from './engine-scenario';
import { insertFinishedSagas } from './generated-sagas';
import { mib, tableBytes } from './table-usage';
import { createDataSource } from '../persistence/data-source';
import { StatsRollup } from '../observability/stats-rollup';
import { createLogger } from '../observability/logger';

export const SOAK_LARGE_SAGAS = 10_000_000;
/** Sagas per INSERT … SELECT, so that progress shows. */
const CHUNK = 1_000_000;
/** Spread over the last 29 days: all within the default RETENTION of 30 days, so the sweep keeps them. */
const SPREAD_DAYS = 29;
const DAY_MS = 86_400_000;
const SCENARIOS = [
  { concurrency: 16, sagas: 2_000 },
  { concurrency: 128, sagas: 3_000 },
];
const WARMUP_MS = 3_000;
const REPEATS = 20;

interface Phase {
  label: string;
  stepsPerSecond: number[];
  latencies: DashboardLatency[];
}

type Write = (line: string) => void;

/**
 * The hot path and the dashboard on an empty database, then again after `generated` (10 million) finished sagas
 * were written straight into saga_instances (state, indexes and all; no log rows).
 */
export async function runSoakLarge(
  environment: BenchEnvironment,
  write: Write,
  generated = SOAK_LARGE_SAGAS,
): Promise<void> {
  const pool = new Pool({ connectionString: environment.databaseUrl, max: 8 });
  const large = { ...environment, databaseUrl: largeDatabaseUrl(environment, generated) };
  const largePool = new Pool({ connectionString: large.databaseUrl, max: 8 });
  try {
    const empty = await measurePhase('empty database', environment, pool, dashboardQueries(null), write);
    // The engine migrates the database and stores the definitions the generated sagas refer to.
    await (await startBenchEngine(large)).stop();
    if (await holdsGeneratedSagas(largePool, generated)) {
      write(
        `\nreusing the ${generated.toLocaleString('en')} sagas generated before (drop its database to renew them)\n`,
      );
    } else {
      await generateSagas(largePool, generated, write);
    }
    await rollUpStatistics(large.databaseUrl, write);
    const latest = await largePool.query<{ latest: Date }>(
      'SELECT max(created_at) AS latest FROM saga_instances',
    );
    write(`latest saga started ${latest.rows[0]?.latest?.toISOString() ?? 'never'}\n`);
    const result = await measurePhase(
      `${generated.toLocaleString('en')} finished sagas`,
      large,
      largePool,
      dashboardQueries(generatedSagaId(Math.ceil(generated / 2))),
      write,
    );
    write(`\n${formatComparison(empty, result)}\n`);
  } finally {
    await pool.end();
    await largePool.end();
  }
}

/**
 * The generated sagas live in a database of their own, kept between runs: writing ten million takes a quarter of
 * an hour. The bench's own sagas accumulate in it from run to run, a few thousand each time.
 */
function largeDatabaseUrl(environment: BenchEnvironment, generated: number): string {
  const url = new URL(environment.databaseUrl);
  url.pathname = `/sagas_bench_large_${generated}`;
  return url.toString();
}

/** Adds the generated sagas to the statistics' per-minute totals, as a running engine does minute by minute. */
async function rollUpStatistics(databaseUrl: string, write: Write): Promise<void> {
  const dataSource = await createDataSource(databaseUrl, 2).initialize();
  try {
    const began = Date.now();
    await new StatsRollup(dataSource, createLogger('warn')).catchUp();
    const rows = await dataSource.query<Array<{ minutes: number; kept: number }>>(
      `SELECT (SELECT count(*) FROM saga_stats_minutes)::int AS minutes,
              (SELECT count(*) FROM saga_stats_pending)::int AS kept`,
    );
    write(
      `statistics rolled up in ${((Date.now() - began) / 1000).toFixed(1)} s: ` +
        `${rows[0]?.minutes ?? 0} per-minute rows, ${rows[0]?.kept ?? 0} sagas kept until final\n`,
    );
  } finally {
    await dataSource.destroy();
  }
}

/** Whether the last of `generated` sagas was written (each chunk commits on its own, in order). */
async function holdsGeneratedSagas(pool: Pool, generated: number): Promise<boolean> {
  const { rowCount } = await pool.query('SELECT 1 FROM saga_instances WHERE id = $1', [
    generatedSagaId(generated),
  ]);
  return rowCount === 1;
}

async function generateSagas(pool: Pool, generated: number, write: Write): Promise<void> {
  const start = new Date(Date.now() - SPREAD_DAYS * DAY_MS);
  const spacingMs = (SPREAD_DAYS * DAY_MS) / generated;
  const began = Date.now();
  const client = await pool.connect();
  try {
    for (let first = 1; first <= generated; first += CHUNK) {
      const count = Math.min(CHUNK, generated - first + 1);
      await insertFinishedSagas(client, { first, count, start, spacingMs });
      write(
        `generated ${(first + count - 1).toLocaleString('en')} sagas, ` +
          `${((Date.now() - began) / 1000).toFixed(0)} s\n`,
      );
    }
    await client.query('VACUUM (ANALYZE) saga_instances');
    await client.query('CHECKPOINT');
  } finally {
    client.release();
  }
  const { saga_instances: bytes = 0 } = await tableBytes(pool, ['saga_instances']);
  write(
    `saga_instances ${mib(bytes)} MiB with its indexes; generated, vacuumed and analyzed in ` +
      `${((Date.now() - began) / 1000).toFixed(0)} s\n`,
  );
}

async function measurePhase(
  label: string,
  environment: BenchEnvironment,
  pool: Pool,
  queries: (cursor: string | null) => DashboardQuery[],
  write: Write,
): Promise<Phase> {
  write(`\n${label}\n`);
  const bench = await startBenchEngine(environment);
  try {
    const { baseUrl } = bench.engine;
    const stepsPerSecond: number[] = [];
    for (const { concurrency, sagas } of SCENARIOS) {
      const result = await runEngineScenario(
        {
          concurrency,
          path: 'success',
          sagas,
          warmup: Math.max(concurrency * 2, sagas / 10),
          warmupMs: WARMUP_MS,
        },
        baseUrl,
        pool,
        bench.engine.process.pid!,
        `large-c${concurrency}`,
      );
      stepsPerSecond.push(result.stepsPerSecond);
      write(`  concurrency ${concurrency}: ${result.stepsPerSecond.toFixed(1)} steps/s\n`);
    }
    const cursor = await nextCursor(baseUrl, '/api/sagas?limit=50');
    const latencies = await dashboardLatency(baseUrl, queries(cursor), REPEATS);
    for (const { label: query, ms } of latencies) {
      write(`  ${query}: p50 ${ms.p50.toFixed(1)} ms, p95 ${ms.p95.toFixed(1)} ms\n`);
    }
    return { label, stepsPerSecond, latencies };
  } finally {
    await bench.stop();
  }
}

/** The id generated saga `g` has (md5('saga-g') as a UUID). */
function generatedSagaId(g: number): string {
  const hex = createHash('md5').update(`saga-${g}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The list with each filter, a second page, and the statistics; `correlationId` names a saga when one is known. */
function dashboardQueries(correlationId: string | null) {
  return (cursor: string | null): DashboardQuery[] =>
    listAndStats(cursor, correlationId ?? generatedSagaId(1));
}

function listAndStats(cursor: string | null, correlationId: string): DashboardQuery[] {
  const fiveMinutesAgo = new Date(Date.now() - 300_000).toISOString();
  const dayAgo = new Date(Date.now() - DAY_MS).toISOString();
  const twoDaysAgo = new Date(Date.now() - 2 * DAY_MS).toISOString();
  const monthAgo = new Date(Date.now() - 30 * DAY_MS).toISOString();
  const list = '/api/sagas?limit=50';
  return [
    { label: 'sagas, no filter', path: list },
    ...(cursor === null
      ? []
      : [{ label: 'sagas, second page', path: `${list}&cursor=${encodeURIComponent(cursor)}` }]),
    { label: 'sagas, status=COMPLETED', path: `${list}&status=COMPLETED` },
    { label: 'sagas, status=COMPENSATION_FAILED', path: `${list}&status=COMPENSATION_FAILED` },
    { label: 'sagas, status=RUNNING', path: `${list}&status=RUNNING` },
    { label: 'sagas, name and version', path: `${list}&name=order-fulfillment&version=1` },
    { label: 'sagas, correlationId', path: `${list}&correlationId=${correlationId}` },
    { label: 'sagas, failingStep', path: `${list}&failingStep=schedule-shipment` },
    { label: 'sagas, created a day ago', path: `${list}&createdFrom=${twoDaysAgo}&createdTo=${dayAgo}` },
    {
      label: 'sagas, status, name and created',
      path: `${list}&status=COMPENSATED&name=order-fulfillment&createdFrom=${twoDaysAgo}&createdTo=${dayAgo}`,
    },
    { label: 'stats, last 5 minutes', path: `/api/stats?since=${fiveMinutesAgo}` },
    { label: 'stats, last hour', path: '/api/stats' },
    { label: 'stats, last day', path: `/api/stats?since=${dayAgo}` },
    { label: 'stats, last 30 days', path: `/api/stats?since=${monthAgo}` },
  ];
}

function formatComparison(empty: Phase, large: Phase): string {
  const rows: string[][] = [['', empty.label, large.label]];
  SCENARIOS.forEach(({ concurrency }, index) =>
    rows.push([
      `steps/s at concurrency ${concurrency}`,
      (empty.stepsPerSecond[index] ?? 0).toFixed(1),
      (large.stepsPerSecond[index] ?? 0).toFixed(1),
    ]),
  );
  for (const { label, ms } of large.latencies) {
    const before = empty.latencies.find((latency) => latency.label === label)?.ms;
    const cell = (d: { p50: number; p95: number } | undefined) =>
      d === undefined ? '-' : `${d.p50.toFixed(1)} / ${d.p95.toFixed(1)}`;
    rows.push([`${label} (ms p50 / p95)`, cell(before), cell(ms)]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')).join('\n');
}
