import type { Command, LifecycleEvent } from 'saga-orchestrator-sdk/contracts';
import type { SagaEvent } from './events';
import type { SagaState } from './state';
import type { TimerPayload } from './timers';

export type Effect =
  | { type: 'send-command'; participant: string; command: Command; headers: Record<string, string> }
  | { type: 'schedule-timer'; key: string; fireAt: string; timer: TimerPayload }
  | { type: 'cancel-timer'; key: string }
  /** A lifecycle event for `sagas.events`, with the saga's trace headers. */
  | { type: 'publish-event'; event: LifecycleEvent; headers: Record<string, string> };

/** The outcome of one decision: the new state and what must happen, all committed together. */
export interface Decision {
  state: SagaState;
  /** False when the trigger changed nothing (late or duplicate reply, stale timer). */
  changed: boolean;
  effects: Effect[];
  /** What the decision adds to the saga's log. */
  events: SagaEvent[];
}
