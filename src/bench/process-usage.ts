import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, from /proc; 0 once it has exited. */
export function cpuSeconds(pid: number | string): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Resident set size now and at its peak, in MiB, from /proc. */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** CPU milliseconds per step, by process: the engine, PostgreSQL and RabbitMQ (all their processes), the bench. */
export interface MachineCpu {
  engine: number;
  postgres: number;
  rabbitmq: number;
  bench: number;
}

/** CPU seconds used so far by each process that counts, by pid. */
export interface CpuSnapshot {
  engine: number;
  postgres: Map<string, number>;
  rabbitmq: Map<string, number>;
  bench: number;
}

const SERVER_COMMANDS = { postgres: 'postgres', rabbitmq: 'beam.smp' } as const;

export function machineCpu(enginePid: number | null): CpuSnapshot {
  const snapshot: CpuSnapshot = {
    engine: enginePid === null ? 0 : cpuSeconds(enginePid),
    postgres: new Map(),
    rabbitmq: new Map(),
    bench: 0,
  };
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let command: string;
    try {
      command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (command === SERVER_COMMANDS.postgres) snapshot.postgres.set(pid, cpuSeconds(pid));
    if (command === SERVER_COMMANDS.rabbitmq) snapshot.rabbitmq.set(pid, cpuSeconds(pid));
  }
  const own = process.cpuUsage();
  snapshot.bench = (own.user + own.system) / 1e6;
  return snapshot;
}

/**
 * CPU milliseconds per step spent between two snapshots. A process that started in between counts in full; one
 * that exited in between (an idle pool connection closing, say) is left out, with whatever it used meanwhile.
 */
export function cpuMsPerStep(before: CpuSnapshot, after: CpuSnapshot, steps: number): MachineCpu {
  const perStep = (seconds: number) => (seconds * 1000) / steps;
  const grown = (was: Map<string, number>, now: Map<string, number>) =>
    [...now].reduce((sum, [pid, seconds]) => sum + seconds - (was.get(pid) ?? 0), 0);
  return {
    engine: perStep(after.engine - before.engine),
    postgres: perStep(grown(before.postgres, after.postgres)),
    rabbitmq: perStep(grown(before.rabbitmq, after.rabbitmq)),
    bench: perStep(after.bench - before.bench),
  };
}
