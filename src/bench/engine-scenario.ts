import type { Pool } from 'pg';
import { BenchPath, type BenchPathName } from './bench-saga';
import { CompletionWatcher } from './completion-watcher';
import { StartClient } from './start-client';
import { type CpuUse, cpuMsPerStep, cpuSnapshot, memoryMiB } from './process-usage';
import { type Distribution, distribution } from './stats';

export interface EngineScenario {
  concurrency: number;
  path: BenchPathName;
  sagas: number;
  /** Sagas run before measuring: at least this many, and for at least `warmupMs`. */
  warmup: number;
  warmupMs: number;
}

export interface EngineResult {
  path: BenchPathName;
  concurrency: number;
  sagas: number;
  seconds: number;
  sagasPerSecond: number;
  stepsPerSecond: number;
  sagaLatencyMs: Distribution;
  stepLatencyMs: Distribution;
  engineCpuSeconds: number;
  engineCpuPercent: number;
  enginePeakRssMiB: number;
  /** CPU per step of every process the run used: the engine, PostgreSQL, RabbitMQ and the bench itself. */
  cpuMsPerStep: CpuUse;
  unexpectedStatuses: number;
}

/** Runs sagas through the engine, `concurrency` at a time, and measures what it took. */
export async function runEngineScenario(
  scenario: EngineScenario,
  baseUrl: string,
  pool: Pool,
  enginePid: number,
  label: string,
): Promise<EngineResult> {
  const watcher = new CompletionWatcher(pool);
  const client = new StartClient(baseUrl, scenario.concurrency);
  const path = BenchPath[scenario.path];
  const start = async (index: number): Promise<{ id: string; status: string }> => {
    const orderId = `${path.failing ? 'fail-' : ''}${label}-${index}`;
    const id = await client.start({ name: path.saga, input: { orderId } });
    return { id, status: await watcher.wait(id) };
  };
  const drive = async (from: number, count: number): Promise<Array<{ id: string; status: string }>> => {
    const done: Array<{ id: string; status: string }> = [];
    let next = from;
    const worker = async () => {
      while (next < from + count) done.push(await start(next++));
    };
    await Promise.all(Array.from({ length: Math.min(scenario.concurrency, count) }, worker));
    return done;
  };

  try {
    const warmupEnds = Date.now() + scenario.warmupMs;
    let warmed = 0;
    do {
      await drive(warmed, scenario.warmup);
      warmed += scenario.warmup;
    } while (Date.now() < warmupEnds);
    const cpuBefore = cpuSnapshot(enginePid);
    const began = process.hrtime.bigint();
    const done = await drive(warmed, scenario.sagas);
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    const cpuAfter = cpuSnapshot(enginePid);
    const cpu = cpuAfter.engine - cpuBefore.engine;
    const stepCount = scenario.sagas * path.stepsPerSaga;
    const ids = done.map((d) => d.id);
    const latencies = await pool.query<{ saga_ms: number }>(
      `SELECT EXTRACT(EPOCH FROM updated_at - created_at) * 1000 AS saga_ms FROM saga_instances WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    // A step: from its command being sent to the next log row of the saga, written when its reply was applied.
    const steps = await pool.query<{ step_ms: number }>(
      `SELECT EXTRACT(EPOCH FROM next_at - at) * 1000 AS step_ms FROM (
         SELECT type, at, lead(at) OVER (PARTITION BY saga_id ORDER BY seq) AS next_at
         FROM saga_events WHERE saga_id = ANY($1::uuid[])) e
       WHERE type = 'CommandSent' AND next_at IS NOT NULL`,
      [ids],
    );
    return {
      path: scenario.path,
      concurrency: scenario.concurrency,
      sagas: scenario.sagas,
      seconds,
      sagasPerSecond: scenario.sagas / seconds,
      stepsPerSecond: stepCount / seconds,
      sagaLatencyMs: distribution(latencies.rows.map((r) => Number(r.saga_ms))),
      stepLatencyMs: distribution(steps.rows.map((r) => Number(r.step_ms))),
      engineCpuSeconds: cpu,
      engineCpuPercent: (cpu / seconds) * 100,
      enginePeakRssMiB: memoryMiB(enginePid).peak,
      cpuMsPerStep: cpuMsPerStep(cpuBefore, cpuAfter, stepCount),
      unexpectedStatuses: done.filter((d) => d.status !== path.expectedStatus).length,
    };
  } finally {
    client.close();
    await watcher.stop();
  }
}
