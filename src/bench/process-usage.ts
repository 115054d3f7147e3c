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

/** CPU seconds used so far by the engine, by PostgreSQL and RabbitMQ (all their processes), and by the bench. */
export interface MachineCpu {
  engine: number;
  postgres: number;
  rabbitmq: number;
  bench: number;
}

export function machineCpu(enginePid: number | null): MachineCpu {
  const byCommand = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let command: string;
    try {
      command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (command === 'postgres' || command === 'beam.smp') {
      byCommand.set(command, (byCommand.get(command) ?? 0) + cpuSeconds(pid));
    }
  }
  const own = process.cpuUsage();
  return {
    engine: enginePid === null ? 0 : cpuSeconds(enginePid),
    postgres: byCommand.get('postgres') ?? 0,
    rabbitmq: byCommand.get('beam.smp') ?? 0,
    bench: (own.user + own.system) / 1e6,
  };
}

/**
 * CPU milliseconds per step spent between two readings, by process. PostgreSQL backends that exit in between
 * take their time with them, which the bench avoids by keeping its connections open.
 */
export function cpuMsPerStep(before: MachineCpu, after: MachineCpu, steps: number): MachineCpu {
  const per = (key: keyof MachineCpu) => ((after[key] - before[key]) * 1000) / steps;
  return { engine: per('engine'), postgres: per('postgres'), rabbitmq: per('rabbitmq'), bench: per('bench') };
}
