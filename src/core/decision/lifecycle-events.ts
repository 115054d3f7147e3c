import { type LifecycleEvent, LifecycleEventType, isRecord } from 'saga-orchestrator-sdk/contracts';
import type { LifecycleEvents } from '../definition/types';
import type { Effect } from '../effects';
import { type SagaEvent, SagaEventType } from '../events';
import type { SagaState } from '../state';
import { traceHeaders } from '../trace-headers';

/**
 * The lifecycle event each log event publishes (null: none). Every log type is listed, so a new one cannot be
 * added without deciding whether subscribers hear of it. Attempts, commands and replies stay in the log: a
 * subscriber hears what became of steps and sagas, not how the engine got there.
 */
export const publishedAs: Readonly<Record<SagaEventType, LifecycleEventType | null>> = {
  [SagaEventType.sagaStarted]: LifecycleEventType.sagaStarted,
  [SagaEventType.commandSent]: null,
  [SagaEventType.stepSucceeded]: LifecycleEventType.stepSucceeded,
  [SagaEventType.stepAttemptFailed]: null,
  [SagaEventType.stepAttemptTimedOut]: null,
  [SagaEventType.stepFailed]: LifecycleEventType.stepFailed,
  [SagaEventType.compensationStarted]: LifecycleEventType.sagaCompensating,
  [SagaEventType.compensationSucceeded]: null,
  [SagaEventType.compensationAttemptFailed]: null,
  [SagaEventType.compensationAttemptTimedOut]: null,
  [SagaEventType.compensationFailed]: null,
  [SagaEventType.sagaDeadlinePassed]: null,
  [SagaEventType.sagaCompleted]: LifecycleEventType.sagaCompleted,
  [SagaEventType.sagaCompensated]: LifecycleEventType.sagaCompensated,
  [SagaEventType.sagaCompensationFailed]: LifecycleEventType.sagaCompensationFailed,
  [SagaEventType.replyIgnored]: null,
  [SagaEventType.sagaRetried]: null,
  [SagaEventType.sagaAborted]: null,
  [SagaEventType.attemptExtended]: null,
  [SagaEventType.stepSkipped]: LifecycleEventType.stepSkipped,
  [SagaEventType.sagaSuspended]: LifecycleEventType.sagaSuspended,
  [SagaEventType.sagaResumed]: null,
  [SagaEventType.sagaMigrated]: null,
  [SagaEventType.stepCompletedByOperator]: LifecycleEventType.stepSucceeded,
  [SagaEventType.compensationCompletedByOperator]: null,
};

/** What `events: terminal` publishes: the end of a saga, and a suspension, which waits for a person. */
export const terminalLifecycleEvents: ReadonlySet<LifecycleEventType> = new Set([
  LifecycleEventType.sagaCompleted,
  LifecycleEventType.sagaCompensated,
  LifecycleEventType.sagaCompensationFailed,
  LifecycleEventType.sagaSuspended,
]);

/**
 * The lifecycle events a decision publishes: one per log event that maps to one and that the definition's
 * `events` selects, in log order. Each gets a new id, stored with its outbox row, so a republished event keeps it.
 */
export function lifecycleEventEffects(
  selection: LifecycleEvents,
  state: SagaState,
  logEvents: readonly SagaEvent[],
  newId: () => string,
): Effect[] {
  if (selection === 'none') return [];
  const effects: Effect[] = [];
  for (const logEvent of logEvents) {
    const type = publishedAs[logEvent.type];
    if (type === null || (selection === 'terminal' && !terminalLifecycleEvents.has(type))) continue;
    effects.push({
      type: 'publish-event',
      headers: traceHeaders(state.trace),
      event: lifecycleEvent(type, logEvent, state, newId()),
    });
  }
  return effects;
}

/** Fields in the order of docs/wire-protocol.md; `status` is the saga's after the whole decision. */
function lifecycleEvent(
  type: LifecycleEventType,
  logEvent: SagaEvent,
  state: SagaState,
  eventId: string,
): LifecycleEvent {
  return {
    event_id: eventId,
    type,
    saga: { id: state.id, name: state.name, version: state.version },
    correlation_id: state.correlationId,
    status: state.status,
    ...(logEvent.step === null ? {} : { step: logEvent.step }),
    ...details(type, logEvent, state),
    timestamp: logEvent.at,
  };
}

function details(
  type: LifecycleEventType,
  logEvent: SagaEvent,
  state: SagaState,
): Pick<LifecycleEvent, 'output' | 'error' | 'errors'> {
  switch (type) {
    case LifecycleEventType.stepSucceeded: {
      // A participant's reply or an operator's completion: the log keeps the output it gave.
      const output = logEvent.data.output;
      return isRecord(output) ? { output } : {};
    }
    case LifecycleEventType.stepFailed:
    case LifecycleEventType.sagaSuspended: {
      // The step's last error; none when the step ended without a failed attempt (a deadline, an abort).
      const error = state.steps.find((step) => step.name === logEvent.step)?.error ?? null;
      return error === null ? {} : { error };
    }
    case LifecycleEventType.sagaCompensationFailed:
      return { errors: (state.errors ?? []).map((error) => ({ ...error })) };
    default:
      return {};
  }
}
