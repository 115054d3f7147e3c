import { type Distribution, distribution } from './stats';

export interface DashboardQuery {
  label: string;
  path: string;
}

export interface DashboardLatency {
  label: string;
  ms: Distribution;
}

const WARMUP_CALLS = 3;

/** Each query `repeats` times, one at a time after a few untimed calls; fails on any status but 200. */
export async function dashboardLatency(
  baseUrl: string,
  queries: DashboardQuery[],
  repeats: number,
): Promise<DashboardLatency[]> {
  const results: DashboardLatency[] = [];
  for (const query of queries) {
    const timings: number[] = [];
    for (let call = 0; call < WARMUP_CALLS + repeats; call += 1) {
      const began = process.hrtime.bigint();
      const response = await fetch(`${baseUrl}${query.path}`);
      await response.arrayBuffer();
      const ms = Number(process.hrtime.bigint() - began) / 1e6;
      if (response.status !== 200) throw new Error(`${query.path}: ${response.status}`);
      if (call >= WARMUP_CALLS) timings.push(ms);
    }
    results.push({ label: query.label, ms: distribution(timings) });
  }
  return results;
}

/** The first page's cursor, to time the second page. */
export async function nextCursor(baseUrl: string, path: string): Promise<string | null> {
  const body = (await (await fetch(`${baseUrl}${path}`)).json()) as { nextCursor?: string | null };
  return body.nextCursor ?? null;
}
