import { type CommandKind, Topology } from 'saga-orchestrator-sdk/contracts';
import type { Decision } from '../core/effects';
import type { AttemptTrack, SagaState } from '../core/state';
import { SagaStatus, isTerminal } from '../core/status';
import { TraceAttribute } from 'saga-orchestrator-sdk/internal/shared/trace-attributes';
import { type SagaTrace, attemptSpanId, sagaTrace } from './tracing-ids';

/** A span a committed decision ended, with everything needed to make it: made at its end, with its recorded start. */
export interface FinishedSpan {
  name: string;
  /** A saga span (internal), or an attempt of a step's action or compensation (it sent a command: producer). */
  kind: 'saga' | 'attempt';
  saga: SagaTrace;
  spanId: string;
  /** Null for a saga span whose start request carried no trace context: the root of its trace. */
  parentSpanId: string | null;
  startTime: string;
  endTime: string;
  attributes: Record<string, string | number>;
  /** Why it failed (the span's error status), or null. */
  error: string | null;
}

/** How an attempt ended, seen from the saga's state after the decision that ended it. */
export const AttemptOutcome = {
  success: 'success',
  failure: 'failure',
  timeout: 'timeout',
  /** Taken over by something else: an operator's completion or abort, a success to an earlier attempt. */
  abandoned: 'abandoned',
} as const;
export type AttemptOutcome = (typeof AttemptOutcome)[keyof typeof AttemptOutcome];

/** What caused a decision, as the committer logs it: a reply names `replyId` and `inReplyTo`. */
export type DecisionCause = Readonly<Record<string, string>>;

/**
 * The spans a committed decision ends: the attempts outstanding before it and no longer after, and the saga's
 * span when the saga ended. `before` is the saga as the decision found it, null for a saga it started.
 */
export function finishedSpans(
  decision: Decision,
  before: SagaState | null,
  cause: DecisionCause,
): FinishedSpan[] {
  if (!decision.changed || before === null) return [];
  const after = decision.state;
  const saga = sagaTrace(after.id, after.trace);
  const spans: FinishedSpan[] = [];
  for (const step of before.steps) {
    const now = after.steps.find((s) => s.name === step.name);
    const ended = { saga, state: after, step: step.name, cause };
    spans.push(...endedAttempt(ended, 'action', step, now));
    spans.push(...endedAttempt(ended, 'compensation', step.compensation, now?.compensation ?? undefined));
  }
  if (!isTerminal(before.status) && isTerminal(after.status)) spans.push(sagaSpan(saga, after));
  return spans;
}

function sagaSpan(saga: SagaTrace, state: SagaState): FinishedSpan {
  return {
    name: `saga ${state.name}`,
    kind: 'saga',
    saga,
    spanId: saga.spanId,
    parentSpanId: saga.parentSpanId,
    startTime: state.createdAt,
    endTime: state.updatedAt,
    attributes: {
      ...sagaAttributes(state),
      [TraceAttribute.sagaStatus]: state.status,
      [TraceAttribute.correlationId]: state.correlationId,
    },
    error: state.status === SagaStatus.completed ? null : `saga ended ${state.status}`,
  };
}

interface EndedIn {
  saga: SagaTrace;
  state: SagaState;
  step: string;
  cause: DecisionCause;
}

function endedAttempt(
  ended: EndedIn,
  kind: CommandKind,
  before: AttemptTrack | null,
  after: AttemptTrack | undefined,
): FinishedSpan[] {
  const attempt = before?.outstanding ?? null;
  if (attempt === null || after?.outstanding?.messageId === attempt.messageId) return [];
  const { messageId } = attempt;
  const outcome = outcomeOf(messageId, after);
  const replyId = ended.cause.inReplyTo === messageId ? ended.cause.replyId : undefined;
  const error = after?.error ?? null;
  return [
    {
      name: `${kind === 'action' ? 'step' : 'compensate'} ${ended.step}`,
      kind: 'attempt',
      saga: ended.saga,
      spanId: attemptSpanId(messageId),
      parentSpanId: ended.saga.spanId,
      // Attempts sent before their start was recorded end up as instants.
      startTime: attempt.sentAt ?? ended.state.updatedAt,
      endTime: ended.state.updatedAt,
      attributes: {
        ...sagaAttributes(ended.state),
        [TraceAttribute.step]: ended.step,
        [TraceAttribute.commandKind]: kind,
        [TraceAttribute.attempt]: attempt.attempt,
        [TraceAttribute.attemptOutcome]: outcome,
        [TraceAttribute.messagingSystem]: 'rabbitmq',
        [TraceAttribute.messagingOperation]: 'send',
        [TraceAttribute.messagingDestination]: Topology.commandsExchange,
        [TraceAttribute.messageId]: messageId,
        ...(replyId === undefined ? {} : { [TraceAttribute.replyMessageId]: replyId }),
        ...(outcome === AttemptOutcome.failure && error !== null
          ? { [TraceAttribute.errorCode]: error.code }
          : {}),
      },
      error:
        outcome === AttemptOutcome.failure || outcome === AttemptOutcome.timeout
          ? (error?.message ?? outcome)
          : null,
    },
  ];
}

function outcomeOf(messageId: string, after: AttemptTrack | undefined): AttemptOutcome {
  if (after === undefined) return AttemptOutcome.abandoned;
  if (after.answeredMessageIds.includes(messageId))
    return after.error === null ? AttemptOutcome.success : AttemptOutcome.failure;
  return after.lastAttemptTimedOut ? AttemptOutcome.timeout : AttemptOutcome.abandoned;
}

function sagaAttributes(state: SagaState): Record<string, string | number> {
  return {
    [TraceAttribute.sagaId]: state.id,
    [TraceAttribute.sagaName]: state.name,
    [TraceAttribute.sagaVersion]: state.version,
  };
}
