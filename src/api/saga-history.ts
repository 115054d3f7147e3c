import type { JsonObject, ReplyError } from 'saga-orchestrator-sdk/contracts';
import { SagaEventType } from '../core/events';
import type { SagaEventEntity } from '../persistence/entities';
import type { Attempt, AttemptOutcome } from './responses/saga';

/** Every attempt of every step, per step name. */
export type AttemptHistory = Map<string, Attempt[]>;

const ENDINGS: Partial<Record<SagaEventType, { kind: Attempt['kind']; outcome: AttemptOutcome }>> = {
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
export function attemptHistory(events: SagaEventEntity[]): AttemptHistory {
  const byStep: AttemptHistory = new Map();
  for (const event of events) {
    if (event.step === null) continue;
    const attempts = byStep.get(event.step) ?? [];
    byStep.set(event.step, attempts);
    const data = event.data;
    if (event.type === SagaEventType.commandSent) {
      attempts.push({
        kind: data.kind as Attempt['kind'],
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
    // The log keeps what the decision recorded: a reply's error (or a timeout's), and a success's output.
    open.error = (data.error as ReplyError | undefined) ?? null;
    open.output = (data.output as JsonObject | undefined) ?? null;
  }
  return byStep;
}
