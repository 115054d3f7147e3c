import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** A process's /proc stat fields after its name, or null once it has exited. */
function statFields(pid: number | string): string[] | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The name (field 2) may hold spaces and parentheses; everything after its closing one is plain.
  return stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  if (fields === null) throw new Error(`process ${pid} is gone`);
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Resident set size now and at its peak, in MiB, from /proc. */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** CPU used by the engine, by PostgreSQL and RabbitMQ (all their processes), and by the bench process. */
export interface CpuUse {
  engine: number;
  postgres: number;
  rabbitmq: number;
  bench: number;
}

/**
 * CPU seconds each server has used so far, summed over its processes, including the children they reaped: a
 * PostgreSQL backend that exits hands its time to the postmaster's count, so connections closing during a run
 * are still counted.
 */
function serverCpuSeconds(): { postgres: number; rabbitmq: number } {
  const total = { postgres: 0, rabbitmq: 0 };
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let command: string;
    try {
      command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    const server = command === 'postgres' ? 'postgres' : command === 'beam.smp' ? 'rabbitmq' : null;
    const fields = server === null ? null : statFields(pid);
    if (server === null || fields === null) continue;
    total[server] += fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0) / TICKS_PER_SECOND;
  }
  return total;
}

/** CPU seconds used so far; `enginePid` null when no engine takes part. */
export function cpuSnapshot(enginePid: number | null): CpuUse {
  const own = process.cpuUsage();
  return {
    engine: enginePid === null ? 0 : cpuSeconds(enginePid),
    ...serverCpuSeconds(),
    bench: (own.user + own.system) / 1e6,
  };
}

/** CPU milliseconds per step between two snapshots. */
export function cpuMsPerStep(before: CpuUse, after: CpuUse, steps: number): CpuUse {
  const perStep = (key: keyof CpuUse) => ((after[key] - before[key]) * 1000) / steps;
  return {
    engine: perStep('engine'),
    postgres: perStep('postgres'),
    rabbitmq: perStep('rabbitmq'),
    bench: perStep('bench'),
  };
}
