import type { CommandKind, JsonObject, JsonValue, ReplyError } from 'saga-orchestrator-sdk/contracts';
import type { CompensationStatus, SagaStatus, StepStatus } from './status';

/** The attempt whose reply or timeout the engine awaits. */
export interface OutstandingAttempt {
  messageId: string;
  attempt: number;
  deadline: string;
  /** When its command was sent (older sagas have none stored): where its trace span starts. */
  sentAt?: string;
}

/** One direction of a step (its action or its compensation): attempts, messages sent, last result. */
export interface AttemptTrack {
  attempts: number;
  error: ReplyError | null;
  startedAt: string | null;
  finishedAt: string | null;
  outstanding: OutstandingAttempt | null;
  /** Every command message id sent for this track: a reply must answer one of them. */
  messageIds: string[];
  /** Commands that already got a reply: a second reply to one of them changes nothing. */
  answeredMessageIds: string[];
  lastAttemptTimedOut: boolean;
  /** Attempts made before an operator's latest retry; the retry policy counts attempts from here. */
  budgetStart: number;
}

export interface CompensationState extends AttemptTrack {
  status: CompensationStatus;
  /** An operator asked for a failed compensation to run again: it is sent when its turn comes. */
  retryRequested?: boolean;
}

export interface StepState extends AttemptTrack {
  name: string;
  status: StepStatus;
  output: JsonObject | null;
  /** The action payload as sent; the compensation payload is built from it. */
  payload: JsonObject | null;
  compensation: CompensationState | null;
  /** The order in which its action ended SUCCEEDED or UNKNOWN (1 for the first): compensation goes latest first. */
  completionOrder?: number;
  /**
   * An operator's retry gave the step a new attempt (with this payload, when given), sent as soon as the saga runs:
   * a sibling's failure decided on the same resume may suspend the saga again first, or start compensation.
   */
  pendingAttempt?: { payload: JsonObject | null };
}

export interface TraceContext {
  traceparent?: string;
  tracestate?: string;
}

/** Why a saga started compensating. */
export interface CompensationCause {
  reason: 'step-failed' | 'saga-deadline' | 'aborted';
  step: string | null;
  at: string;
}

/** A compensation that failed for good: every one is kept, none hides another. */
export interface CompensationError {
  step: string;
  error: ReplyError | null;
  at: string;
}

/**
 * Why a saga is SUSPENDED: the step that waits for an operator, or none when the saga was set aside because its
 * definition version cannot be had (it then goes back to `resumeStatus` once it can).
 */
export interface Suspension {
  step: string | null;
  reason: string;
  at: string;
  resumeStatus?: SagaStatus;
}

/** Everything the engine knows about one saga; a plain JSON value. */
export interface SagaState {
  id: string;
  name: string;
  version: number;
  status: SagaStatus;
  input: JsonValue;
  correlationId: string;
  createdAt: string;
  updatedAt: string;
  deadlineAt: string | null;
  trace: TraceContext | null;
  compensationCause: CompensationCause | null;
  steps: StepState[];
  /** Every compensation that failed for good (older sagas have none stored). */
  errors?: CompensationError[];
  suspension?: Suspension | null;
  /** The terminal saga an operator reran to start this one. */
  rerunOf?: string | null;
}

export type TrackKind = CommandKind;
