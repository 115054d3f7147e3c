import type { Command } from '../contracts/command';
import type { JsonObject } from '../contracts/json';
import type { SagaState } from './state';
import type { TimerPayload } from './timers';

export type Effect =
  | { type: 'send-command'; participant: string; command: Command; headers: Record<string, string> }
  | { type: 'schedule-timer'; key: string; fireAt: string; timer: TimerPayload }
  | { type: 'cancel-timer'; key: string };

/** One row of the saga's append-only log. */
export interface LogEntry {
  type: LogEntryType;
  at: string;
  step: string | null;
  data: JsonObject;
}

export const LogEntryType = {
  sagaStarted: 'SagaStarted',
  commandSent: 'CommandSent',
  stepSucceeded: 'StepSucceeded',
  stepAttemptFailed: 'StepAttemptFailed',
  stepAttemptTimedOut: 'StepAttemptTimedOut',
  stepFailed: 'StepFailed',
  compensationStarted: 'CompensationStarted',
  compensationSucceeded: 'CompensationSucceeded',
  compensationAttemptFailed: 'CompensationAttemptFailed',
  compensationAttemptTimedOut: 'CompensationAttemptTimedOut',
  compensationFailed: 'CompensationFailed',
  sagaDeadlinePassed: 'SagaDeadlinePassed',
  sagaCompleted: 'SagaCompleted',
  sagaCompensated: 'SagaCompensated',
  sagaCompensationFailed: 'SagaCompensationFailed',
  replyIgnored: 'ReplyIgnored',
  sagaRetried: 'SagaRetried',
  sagaAborted: 'SagaAborted',
  attemptExtended: 'AttemptExtended',
} as const;
export type LogEntryType = (typeof LogEntryType)[keyof typeof LogEntryType];

/** The outcome of one decision: the new state and what must happen, all committed together. */
export interface Decision {
  state: SagaState;
  /** False when the event changed nothing (late or duplicate reply, stale timer). */
  changed: boolean;
  effects: Effect[];
  log: LogEntry[];
}
