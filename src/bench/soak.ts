import type { Pool } from 'pg';
import { runEngineScenario } from './engine-scenario';
import { memoryMiB } from './process-usage';

const TOTAL = 100_000;
const CHUNK = 10_000;
const CONCURRENCY = 128;

/** 100,000 sagas at concurrency 128: RSS and throughput every 10,000, then checks that everything drained. */
export async function runSoak(baseUrl: string, pool: Pool, pid: number): Promise<void> {
  const chunks: Array<{ sagas: number; sagasPerSecond: number; rssMiB: number }> = [];
  for (let done = 0; done < TOTAL; done += CHUNK) {
    const result = await runEngineScenario(
      { concurrency: CONCURRENCY, failing: false, sagas: CHUNK, warmup: 0 },
      baseUrl,
      pool,
      pid,
      `soak-${done}`,
    );
    const rssMiB = memoryMiB(pid).rss;
    chunks.push({ sagas: done + CHUNK, sagasPerSecond: result.sagasPerSecond, rssMiB });
    process.stdout.write(
      `${String(done + CHUNK).padStart(7)} sagas  ${result.sagasPerSecond.toFixed(1)} sagas/s  RSS ${rssMiB.toFixed(0)} MiB\n`,
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
      `throughput ${drift(first.sagasPerSecond, last.sagasPerSecond)} %, RSS ${drift(first.rssMiB, last.rssMiB)} % ` +
      'from the first 10k to the last\n',
  );
}
