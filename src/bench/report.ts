import type { EngineResult } from './engine-scenario';
import type { FloorResult } from './floor';
import type { CpuUse } from './process-usage';

export interface ScenarioRow {
  engine: EngineResult;
  floor: FloorResult;
  ratio: number;
}

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const triple = (d: { p50: number; p95: number; p99: number }) =>
  `${fixed(d.p50)}/${fixed(d.p95)}/${fixed(d.p99)}`;
const cpuParts = (c: CpuUse) =>
  [c.engine, c.postgres, c.rabbitmq, c.bench].map((ms) => fixed(ms, 2)).join('/');
const cpuTotal = (c: CpuUse) => fixed(c.engine + c.postgres + c.rabbitmq + c.bench, 2);

/** The bench's table: one line per concurrency and path. */
export function formatTable(rows: ScenarioRow[]): string {
  const header = [
    'conc',
    'path',
    'sagas',
    'sagas/s',
    'steps/s',
    'saga ms p50/p95/p99',
    'step ms p50/p95/p99',
    'cpu %',
    'peak RSS MiB',
    'cpu ms/step eng/pg/mq/bench',
    'floor steps/s',
    'floor step ms p50/p95/p99',
    'floor cpu ms/step',
    'ratio',
  ];
  const lines = rows.map(({ engine, floor, ratio }) => [
    String(engine.concurrency),
    engine.path,
    String(engine.sagas),
    fixed(engine.sagasPerSecond),
    fixed(engine.stepsPerSecond),
    triple(engine.sagaLatencyMs),
    triple(engine.stepLatencyMs),
    fixed(engine.engineCpuPercent, 0),
    fixed(engine.enginePeakRssMiB, 0),
    `${cpuParts(engine.cpuMsPerStep)} = ${cpuTotal(engine.cpuMsPerStep)}`,
    fixed(floor.stepsPerSecond),
    triple(floor.stepLatencyMs),
    cpuTotal(floor.cpuMsPerStep),
    fixed(ratio, 2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [format(header), ...lines.map(format)].join('\n');
}
