import type { SimulationResult } from '../simulation';

/** One line per timeline entry, columns aligned, then `status: <STATUS>`. */
export function formatTimeline(result: SimulationResult): string[] {
  const { timeline } = result;
  const widest = (values: string[]) => Math.max(0, ...values.map((value) => value.length));
  const timeWidth = widest(timeline.map((entry) => entry.at));
  const typeWidth = widest(timeline.map((entry) => entry.type));
  const stepWidth = widest(timeline.map((entry) => entry.step ?? ''));
  const lines = timeline.map((entry) =>
    [
      entry.at.padStart(timeWidth),
      entry.type.padEnd(typeWidth),
      (entry.step ?? '').padEnd(stepWidth),
      entry.detail,
    ].join('  '),
  );
  return [...lines, `status: ${result.status}`];
}

/** `{ "status", "steps", "timeline" }`, indented. */
export function formatJson(result: SimulationResult): string {
  const { status, steps, timeline } = result;
  return JSON.stringify({ status, steps, timeline }, null, 2);
}
