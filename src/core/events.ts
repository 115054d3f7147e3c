import type { JsonObject } from 'saga-orchestrator-sdk/contracts';

/** An event: one entry of a saga's append-only log (`saga_events`, `GET /api/sagas/{id}/events`). */
export interface SagaEvent {
  type: SagaEventType;
  at: string;
  step: string | null;
  data: JsonObject;
}

export const SagaEventType = {
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
  stepSkipped: 'StepSkipped',
  sagaSuspended: 'SagaSuspended',
  sagaResumed: 'SagaResumed',
  sagaMigrated: 'SagaMigrated',
  stepCompletedByOperator: 'StepCompletedByOperator',
  compensationCompletedByOperator: 'CompensationCompletedByOperator',
} as const;
export type SagaEventType = (typeof SagaEventType)[keyof typeof SagaEventType];
