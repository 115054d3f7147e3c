import type { JsonObject, JsonValue } from '../contracts/json';
import { SagaEventType } from '../core/events';
import type { SagaEventEntity } from '../persistence/entities';

export type AttemptOutcome = 'pending' | 'success' | 'failure' | 'timeout' | 'abandoned';

/** One attempt of a step's action or compensation, read back from the saga log. */
export type AttemptView = {
  kind: 'action' | 'compensation';
  attempt: number;
  messageId: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  outcome: AttemptOutcome;
  error: JsonValue;
  output: JsonValue;
};

const ENDINGS: Record<string, { kind: AttemptView['kind']; outcome: AttemptOutcome }> = {
  [SagaEventType.stepSucceeded]: { kind: 'action', outcome: 'success' },
  [SagaEventType.stepAttemptFailed]: { kind: 'action', outcome: 'failure' },
  [SagaEventType.stepAttemptTimedOut]: { kind: 'action', outcome: 'timeout' },
  [SagaEventType.stepFailed]: { kind: 'action', outcome: 'failure' },
  // The attempt that made the saga wait for an operator ended with that failure (or timeout).
  [SagaEventType.sagaSuspended]: { kind: 'action', outcome: 'failure' },
  [SagaEventType.compensationSucceeded]: { kind: 'compensation', outcome: 'success' },
  [SagaEventType.compensationAttemptFailed]: { kind: 'compensation', outcome: 'failure' },
  [SagaEventType.compensationAttemptTimedOut]: { kind: 'compensation', outcome: 'timeout' },
  [SagaEventType.compensationFailed]: { kind: 'compensation', outcome: 'failure' },
};

/** Every attempt of every step, with start, end, duration, outcome, error and output, per step name. */
export function attemptHistory(events: SagaEventEntity[]): Map<string, AttemptView[]> {
  const byStep = new Map<string, AttemptView[]>();
  for (const event of events) {
    if (event.step === null) continue;
    const attempts = byStep.get(event.step) ?? [];
    byStep.set(event.step, attempts);
    const data = event.data;
    if (event.type === SagaEventType.commandSent) {
      attempts.push({
        kind: data.kind as AttemptView['kind'],
        attempt: Number(data.attempt),
        messageId: String(data.messageId),
        startedAt: event.at.toISOString(),
        finishedAt: null,
        durationMs: null,
        outcome: 'pending',
        error: null,
        output: null,
      });
      continue;
    }
    const ending = ENDINGS[event.type];
    if (ending === undefined) continue;
    const open = [...attempts]
      .reverse()
      .find(
        (a) =>
          a.kind === ending.kind &&
          a.outcome === 'pending' &&
          (data.attempt === undefined || a.attempt === data.attempt),
      );
    if (open === undefined) continue;
    // A step given up on at the saga deadline or by an abort has no reply: its attempt is abandoned.
    const timedOut = data.timedOut === true;
    open.outcome = timedOut ? 'timeout' : data.attempt === undefined ? 'abandoned' : ending.outcome;
    open.finishedAt = event.at.toISOString();
    open.durationMs = event.at.getTime() - Date.parse(open.startedAt);
    open.error = (data.error as JsonObject | undefined) ?? null;
    open.output = (data.output as JsonObject | undefined) ?? null;
  }
  return byStep;
}
