import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { startBenchEngine } from './bench-engine';
import { prepareBenchEnvironment } from './bench-environment';
import type { LifecycleEvents } from '../core/definition/types';
import { BenchPath, type BenchPathName, benchPathNames, parseEventsSelection } from './bench-saga';
import { runEngineScenario } from './engine-scenario';
import { runFloor } from './floor';
import { formatTable, type ScenarioRow } from './report';
import { runRetentionMeasure } from './retention-measure';
import { SOAK_RETENTION, runSoak } from './soak';
import { runSoakLarge } from './soak-large';

interface BenchOptions {
  concurrencies: number[];
  paths: BenchPathName[];
  sagas: number | null;
  soak: boolean;
  soakLarge: boolean;
  retentionMeasure: boolean;
  /** Null: the definitions' default. */
  events: LifecycleEvents | null;
}

function parseArgs(argv: string[]): BenchOptions {
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  return {
    concurrencies: (value('concurrency') ?? '1,16,128').split(',').map(Number),
    paths: parsePaths(value('paths') ?? benchPathNames.join(',')),
    sagas: value('sagas') === undefined ? null : Number(value('sagas')),
    soak: argv.includes('--soak'),
    soakLarge: argv.includes('--soak-large'),
    retentionMeasure: argv.includes('--retention-measure'),
    events: parseEventsSelection(value('events')),
  };
}

function parsePaths(list: string): BenchPathName[] {
  const names = list.split(',');
  const unknown = names.filter((name) => !benchPathNames.includes(name as BenchPathName));
  if (unknown.length > 0) {
    throw new Error(`--paths: unknown ${unknown.join(', ')} (known: ${benchPathNames.join(', ')})`);
  }
  return names as BenchPathName[];
}

/**
 * A fresh engine, and one that just ran another scenario, takes a few seconds to settle (compiled code, pool
 * connections and their prepared statements, caches): every scenario warms up for at least this long.
 */
const WARMUP_MS = 3000;

/**
 * Enough sagas for stable numbers at each concurrency, without taking all day at concurrency 1. At concurrency
 * 16 that is 2,000 sagas (6,000 steps on the success path). A hiccup of the machine delays every step in flight
 * at once; in a run of 400 sagas those 16 steps alone were more than 1 % of all, so its p99 only said whether a
 * hiccup happened to fall into it.
 */
function sagasFor(concurrency: number, options: BenchOptions): number {
  return options.sagas ?? Math.min(3000, Math.max(300, concurrency * 125));
}

const write = (line: string) => process.stdout.write(line);

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.retentionMeasure) {
    await runRetentionMeasure(write, options.sagas ?? undefined);
    return;
  }
  const environment = await prepareBenchEnvironment(options.events);
  if (options.soakLarge) {
    await runSoakLarge(environment, write, options.sagas ?? undefined);
    return;
  }
  const { engine, stop } = await startBenchEngine(
    environment,
    options.soak ? { RETENTION: SOAK_RETENTION } : {},
  );
  const pool = new Pool({ connectionString: environment.databaseUrl, max: 8 });
  const pid = engine.process.pid!;
  try {
    if (options.soak) {
      await runSoak(engine.baseUrl, pool, pid);
      return;
    }
    const loadBefore = loadavg();
    const rows: ScenarioRow[] = [];
    for (const concurrency of options.concurrencies) {
      const sagas = sagasFor(concurrency, options);
      const warmup = Math.max(concurrency * 2, Math.round(sagas / 10));
      const floor = await runFloor(
        pool,
        environment.amqpUrl,
        concurrency,
        sagas * BenchPath.success.stepsPerSaga,
      );
      for (const path of options.paths) {
        const label = `c${concurrency}-${path}`;
        const result = await runEngineScenario(
          { concurrency, path, sagas, warmup, warmupMs: WARMUP_MS },
          engine.baseUrl,
          pool,
          pid,
          label,
        );
        rows.push({ engine: result, floor, ratio: result.stepsPerSecond / floor.stepsPerSecond });
        process.stdout.write(`done: concurrency ${concurrency}, ${result.path} path\n`);
      }
    }
    const loadAfter = loadavg();
    process.stdout.write(`\n${formatTable(rows)}\n\n`);
    process.stdout.write(`lifecycle events: ${options.events ?? 'terminal (the default)'}\n`);
    process.stdout.write(
      `load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter
        .map((l) => l.toFixed(2))
        .join(' ')}; ratio = engine steps/s ÷ floor steps/s at the same concurrency\n`,
    );
    const unexpected = rows.reduce((sum, row) => sum + row.engine.unexpectedStatuses, 0);
    if (unexpected > 0)
      process.stdout.write(`WARNING: ${unexpected} sagas ended with an unexpected status\n`);
    const directory = join(process.cwd(), 'bench', 'results');
    mkdirSync(directory, { recursive: true });
    const file = join(directory, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        { at: new Date().toISOString(), events: options.events ?? 'terminal', loadBefore, loadAfter, rows },
        null,
        2,
      ),
    );
    process.stdout.write(`results: ${file}\n`);
  } finally {
    await pool.end();
    await stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
