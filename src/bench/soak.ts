import type { Pool } from 'pg';
import { type EngineResult, runEngineScenario } from './engine-scenario';
import { retentionDeleted } from './engine-metrics-scrape';
import { memoryMiB } from './process-usage';
import { mib, tableBytes } from './table-usage';

const TOTAL = 100_000;
const CHUNK = 10_000;
const CONCURRENCY = 128;
/** Run first and not reported: the first chunk would otherwise compare the engine's start-up with its steady state. */
const WARMUP_SAGAS = 5_000;
const RSS_SAMPLE_MS = 500;
/** The engine runs with this RETENTION, so that the sweep keeps the tables at about a minute of sagas. */
export const SOAK_RETENTION = '1m';
const TABLES = [
  'saga_instances',
  'saga_events',
  'processed_replies',
  'outbox',
  'saga_timers',
  'dead_letters',
];
const SHORT: Record<string, string> = {
  saga_instances: 'sagas',
  saga_events: 'log',
  processed_replies: 'replies',
  outbox: 'outbox',
  saga_timers: 'timers',
  dead_letters: 'dead letters',
};

/**
 * 100,000 sagas at concurrency 128: throughput, RSS, table sizes and the rows retention deleted per 10,000, then
 * checks that everything drained.
 */
export async function runSoak(baseUrl: string, pool: Pool, pid: number): Promise<void> {
  const warmup = await runEngineScenario(
    { concurrency: CONCURRENCY, path: 'success', sagas: WARMUP_SAGAS, warmup: 0, warmupMs: 0 },
    baseUrl,
    pool,
    pid,
    'soak-warmup',
  );
  process.stdout.write(
    `warm-up: ${WARMUP_SAGAS} sagas, ${warmup.sagasPerSecond.toFixed(1)} sagas/s, RSS ${memoryMiB(pid).rss.toFixed(0)} MiB\n`,
  );
  const chunks: Array<{
    sagas: number;
    sagasPerSecond: number;
    rssMiB: number;
    tableMiB: number;
    retentionDeleted: number;
  }> = [];
  for (let done = 0; done < TOTAL; done += CHUNK) {
    // RSS is sampled through the chunk and averaged: a single reading lands anywhere on the garbage
    // collector's sawtooth, which alone moves it by a fifth.
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(memoryMiB(pid).rss), RSS_SAMPLE_MS);
    let result: EngineResult;
    try {
      result = await runEngineScenario(
        { concurrency: CONCURRENCY, path: 'success', sagas: CHUNK, warmup: 0, warmupMs: 0 },
        baseUrl,
        pool,
        pid,
        `soak-${done}`,
      );
    } finally {
      // Stopped even when the chunk fails, so the failure is reported rather than a reading of an engine gone.
      clearInterval(sampler);
    }
    samples.push(memoryMiB(pid).rss);
    const rssMiB = samples.reduce((sum, rss) => sum + rss, 0) / samples.length;
    const maxRssMiB = Math.max(...samples);
    const sizes = await tableBytes(pool, TABLES);
    const deleted = await retentionDeleted(baseUrl);
    const tableMiB = Object.values(sizes).reduce((sum, bytes) => sum + bytes, 0) / 1_048_576;
    chunks.push({
      sagas: done + CHUNK,
      sagasPerSecond: result.sagasPerSecond,
      rssMiB,
      tableMiB,
      retentionDeleted: deleted.saga_instances,
    });
    process.stdout.write(
      `${String(done + CHUNK).padStart(7)} sagas  ${result.sagasPerSecond.toFixed(1)} sagas/s  ` +
        `RSS mean ${rssMiB.toFixed(0)} MiB, max ${maxRssMiB.toFixed(0)} MiB  ` +
        `tables MiB ${TABLES.map((table) => `${SHORT[table]} ${mib(sizes[table] ?? 0)}`).join(', ')}  ` +
        `retention deleted ${deleted.saga_instances} sagas, ${deleted.saga_events} log rows, ` +
        `${deleted.processed_replies} replies\n`,
    );
  }
  const { rows } = await pool.query<{ open: string; outbox: string; timers: string }>(
    `SELECT (SELECT count(*) FROM saga_instances WHERE status NOT IN ('COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED')) AS open,
            (SELECT count(*) FROM outbox) AS outbox, (SELECT count(*) FROM saga_timers) AS timers`,
  );
  const first = chunks[0]!;
  const last = chunks[chunks.length - 1]!;
  const drift = (a: number, b: number) => (((b - a) / a) * 100).toFixed(1);
  process.stdout.write(
    `non-terminal ${rows[0]?.open}, outbox ${rows[0]?.outbox}, timers ${rows[0]?.timers}; ` +
      `throughput ${drift(first.sagasPerSecond, last.sagasPerSecond)} %, mean RSS ${drift(first.rssMiB, last.rssMiB)} % ` +
      'from the first 10k to the last\n',
  );
  // The tables grow until the first sagas pass retention; from there on they should stay flat.
  const swept = chunks.find((chunk) => chunk.retentionDeleted > 0);
  process.stdout.write(
    swept === undefined
      ? 'retention deleted nothing during the soak\n'
      : `table sizes ${drift(swept.tableMiB, last.tableMiB)} % from ${swept.sagas} sagas (the first chunk ` +
          `after retention began deleting, ${swept.tableMiB.toFixed(1)} MiB) to the last (${last.tableMiB.toFixed(1)} MiB)\n`,
  );
}
