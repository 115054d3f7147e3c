import { Client } from 'pg';
import type { SagaState } from '../../src/core/state';
import type { Delivery } from './recording-participants';

interface LogRow {
  saga_id: string;
  seq: number;
  type: string;
  step: string | null;
  data: Record<string, unknown>;
}

export interface SagaRecord {
  state: SagaState;
  log: LogRow[];
}

export interface Tally {
  sagas: number;
  /** Deliveries of a message already delivered once (at-least-once at work). */
  redeliveries: number;
  byStatus: Record<string, number>;
  violations: string[];
}

/** Reads every saga and its log straight from the database. */
export async function readSagas(databaseUrl: string): Promise<Map<string, SagaRecord>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const sagas = await client.query<{ id: string; state: SagaState }>(
      'SELECT id, state FROM saga_instances',
    );
    const logs = await client.query<LogRow>(
      'SELECT saga_id, seq, type, step, data FROM saga_events ORDER BY saga_id, seq',
    );
    const records = new Map<string, SagaRecord>(
      sagas.rows.map((row) => [row.id, { state: row.state, log: [] }]),
    );
    for (const row of logs.rows) records.get(row.saga_id)?.log.push(row);
    return records;
  } finally {
    await client.end();
  }
}

export async function countRows(
  databaseUrl: string,
  table: 'outbox' | 'saga_timers' | 'dead_letters',
): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  } finally {
    await client.end();
  }
}

const TERMINAL = new Set(['COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED']);

/**
 * Checks the durability invariants from what the participants received and from the saga log:
 * 1. every saga is terminal (and ended as its scenario says);
 * 2. one message per attempt, attempts numbered 1..n, attempt n+1 sent only after attempt n failed or timed out;
 * 3. no action sent after compensation began; compensations exactly for succeeded/unknown steps, in reverse;
 * 4. every command in the log reached its participant at least once, and nothing unlogged was delivered.
 */
export function checkInvariants(
  sagas: Map<string, SagaRecord>,
  deliveries: Delivery[],
  expectedStatus: (state: SagaState) => string,
  compensable: string[],
): Tally {
  const violations: string[] = [];
  const byStatus: Record<string, number> = {};
  const delivered = new Map<string, Delivery[]>();
  for (const delivery of deliveries) {
    const list = delivered.get(delivery.sagaId) ?? [];
    list.push(delivery);
    delivered.set(delivery.sagaId, list);
  }

  for (const [id, { state, log }] of sagas) {
    const fail = (message: string): void => void violations.push(`saga ${id}: ${message}`);
    byStatus[state.status] = (byStatus[state.status] ?? 0) + 1;
    if (!TERMINAL.has(state.status)) fail(`not terminal (${state.status})`);
    const expected = expectedStatus(state);
    if (TERMINAL.has(state.status) && state.status !== expected)
      fail(`ended ${state.status}, expected ${expected}`);

    const sent = log.filter((row) => row.type === 'CommandSent');
    const sentIds = new Set(sent.map((row) => String(row.data.messageId)));
    const received = delivered.get(id) ?? [];
    for (const row of sent) {
      if (!received.some((d) => d.messageId === row.data.messageId)) {
        fail(`command ${String(row.data.messageId)} (${row.step} ${String(row.data.type)}) never delivered`);
      }
    }
    for (const delivery of received) {
      if (!sentIds.has(delivery.messageId)) fail(`delivered command ${delivery.messageId} is not in the log`);
    }

    // One message per attempt; each attempt after the first follows a failure or timeout of the one before.
    const tracks = new Map<string, LogRow[]>();
    for (const row of sent) {
      const key = `${row.step}:${String(row.data.kind)}`;
      tracks.set(key, [...(tracks.get(key) ?? []), row]);
    }
    for (const [track, rows] of tracks) {
      rows.forEach((row, index) => {
        if (row.data.attempt !== index + 1)
          fail(`${track}: attempt ${String(row.data.attempt)} sent as number ${index + 1}`);
        if (index === 0) return;
        const previous = rows[index - 1]!;
        const [step, kind] = track.split(':');
        const endedBetween = log.some(
          (entry) =>
            entry.seq > previous.seq &&
            entry.seq < row.seq &&
            entry.step === step &&
            /AttemptFailed|AttemptTimedOut/.test(entry.type) &&
            entry.type.startsWith(kind === 'action' ? 'Step' : 'Compensation') &&
            entry.data.attempt === index,
        );
        if (!endedBetween)
          fail(`${track}: attempt ${index + 1} sent before attempt ${index} failed or timed out`);
      });
    }

    const compensationStart = log.find((row) => row.type === 'CompensationStarted')?.seq ?? Infinity;
    if (sent.some((row) => row.data.kind === 'action' && row.seq > compensationStart)) {
      fail('an action was sent after compensation began');
    }
    if (state.status === 'COMPENSATED') {
      const compensated = [...new Set(sent.filter((r) => r.data.kind === 'compensation').map((r) => r.step))];
      const due = state.steps
        .map((step, index) => ({ step, index }))
        .filter(
          ({ step }) =>
            (step.status === 'SUCCEEDED' || step.status === 'UNKNOWN') && compensable.includes(step.name),
        )
        .sort((a, b) => b.index - a.index)
        .map(({ step }) => step.name);
      if (compensated.join(',') !== due.join(',')) fail(`compensated [${compensated}] instead of [${due}]`);
    }
  }
  const redeliveries = deliveries.length - new Set(deliveries.map((d) => d.messageId)).size;
  return { sagas: sagas.size, redeliveries, byStatus, violations };
}
