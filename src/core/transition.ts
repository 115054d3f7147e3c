import type { CommandKind } from '../contracts/command';
import { type JsonObject, type JsonValue, cloneJson } from '../contracts/json';
import type { Reply, ReplyError } from '../contracts/reply';
import type { DecisionContext } from './context';
import { renderPayload } from './definition/expressions';
import type { RetryPolicy, SagaDefinition, StepDefinition } from './definition/types';
import type { Decision, Effect } from './effects';
import { type SagaEvent, SagaEventType } from './events';
import type { Trigger } from './triggers';
import { backoffDelayMs, hasAttemptsLeft } from './retry-policy';
import type {
  AttemptTrack,
  CompensationCause,
  OutstandingAttempt,
  SagaState,
  StepState,
  TraceContext,
} from './state';
import { CompensationStatus, SagaStatus, StepStatus, isTerminal } from './status';
import { type TimerPayload, timerKey } from './timers';

export interface StartParams {
  id: string;
  input: JsonValue;
  correlationId: string;
  /** The start request's X-Request-Id, else the saga id. */
  causationId: string;
  trace: TraceContext | null;
}

/** Creates a saga's initial state and dispatches its first step. */
export function startSaga(definition: SagaDefinition, params: StartParams, ctx: DecisionContext): Decision {
  const now = ctx.now.toISOString();
  const state: SagaState = {
    id: params.id,
    name: definition.name,
    version: definition.version,
    status: SagaStatus.running,
    input: params.input,
    correlationId: params.correlationId,
    createdAt: now,
    updatedAt: now,
    deadlineAt:
      definition.timeoutMs === null ? null : new Date(ctx.now.getTime() + definition.timeoutMs).toISOString(),
    trace: params.trace,
    compensationCause: null,
    steps: definition.steps.map(newStepState),
  };
  const builder = new DecisionBuilder(definition, state, ctx);
  builder.record(SagaEventType.sagaStarted, null, {
    input: params.input,
    correlationId: params.correlationId,
    version: definition.version,
  });
  if (state.deadlineAt !== null) {
    builder.schedule({ type: 'saga-deadline' }, state.deadlineAt);
  }
  builder.startStep(0, params.causationId);
  return builder.finish();
}

/** The engine's only decision function: (definition, state, event) → new state, effects and log rows. */
export function decide(
  definition: SagaDefinition,
  state: SagaState,
  event: Trigger,
  ctx: DecisionContext,
): Decision {
  const builder = new DecisionBuilder(definition, cloneJson(state), ctx);
  switch (event.type) {
    case 'reply':
      builder.onReply(event.reply);
      break;
    case 'timer':
      builder.onTimer(event.timer);
      break;
    case 'operator-retry':
      builder.onOperatorRetry(event.causationId);
      break;
    case 'operator-abort':
      builder.onOperatorAbort(event.reason, event.causationId);
      break;
  }
  return builder.finish();
}

function newStepState(step: StepDefinition): StepState {
  return {
    name: step.name,
    status: StepStatus.pending,
    output: null,
    payload: null,
    compensation: null,
    ...newTrack(),
  };
}

function newTrack(): AttemptTrack {
  return {
    attempts: 0,
    error: null,
    startedAt: null,
    finishedAt: null,
    outstanding: null,
    messageIds: [],
    answeredMessageIds: [],
    lastAttemptTimedOut: false,
    budgetStart: 0,
  };
}

class DecisionBuilder {
  private readonly effects: Effect[] = [];
  private readonly events: SagaEvent[] = [];
  private changed = false;
  private readonly nowIso: string;

  constructor(
    private readonly definition: SagaDefinition,
    private readonly state: SagaState,
    private readonly ctx: DecisionContext,
  ) {
    this.nowIso = ctx.now.toISOString();
  }

  finish(): Decision {
    if (this.changed) {
      this.state.updatedAt = this.nowIso;
    }
    return { state: this.state, changed: this.changed, effects: this.effects, events: this.events };
  }

  record(type: SagaEventType, step: string | null, data: JsonObject): void {
    this.events.push({ type, at: this.nowIso, step, data });
    if (type !== SagaEventType.replyIgnored) {
      this.changed = true;
    }
  }

  schedule(timer: TimerPayload, fireAt: string): void {
    this.effects.push({ type: 'schedule-timer', key: timerKey(timer), fireAt, timer });
  }

  private cancel(timer: TimerPayload): void {
    this.effects.push({ type: 'cancel-timer', key: timerKey(timer) });
  }

  // ── forward ──────────────────────────────────────────────────────────────

  startStep(index: number, causationId: string): void {
    const stepDefinition = this.stepDefinition(index);
    const step = this.step(index);
    step.status = StepStatus.running;
    step.startedAt = this.nowIso;
    step.payload = renderPayload(stepDefinition.payload, {
      input: this.state.input,
      steps: Object.fromEntries(this.state.steps.map((s) => [s.name, { output: s.output }])),
      saga: { id: this.state.id, correlationId: this.state.correlationId },
    });
    this.sendCommand(index, 'action', 1, causationId);
  }

  private advance(index: number, causationId: string): void {
    if (index + 1 < this.state.steps.length) {
      this.startStep(index + 1, causationId);
      return;
    }
    this.finishSaga(SagaStatus.completed, SagaEventType.sagaCompleted, {});
  }

  private sendCommand(index: number, kind: CommandKind, attempt: number, causationId: string): void {
    const stepDefinition = this.stepDefinition(index);
    const step = this.step(index);
    const track = this.track(step, kind);
    const messageId = this.ctx.newId();
    const deadline = new Date(this.ctx.now.getTime() + stepDefinition.timeoutMs).toISOString();
    const type =
      kind === 'action' ? stepDefinition.actionCommand : (stepDefinition.compensationCommand ?? '');
    track.attempts = attempt;
    track.outstanding = { messageId, attempt, deadline };
    track.messageIds.push(messageId);
    this.effects.push({
      type: 'send-command',
      participant: stepDefinition.participant,
      headers: traceHeaders(this.state.trace),
      command: {
        message_id: messageId,
        type,
        kind,
        saga: { id: this.state.id, name: this.state.name, version: this.state.version },
        step: step.name,
        attempt,
        idempotency_key: `${this.state.id}:${step.name}:${kind}`,
        correlation_id: this.state.correlationId,
        causation_id: causationId,
        timestamp: this.nowIso,
        deadline,
        payload: kind === 'action' ? (step.payload ?? {}) : compensationPayload(step),
      },
    });
    this.schedule({ type: 'attempt-timeout', step: step.name, kind, attempt, messageId }, deadline);
    this.record(SagaEventType.commandSent, step.name, { kind, type, attempt, messageId, deadline });
  }

  // ── backward ─────────────────────────────────────────────────────────────

  private beginCompensation(cause: CompensationCause, causationId: string): void {
    this.state.status = SagaStatus.compensating;
    this.state.compensationCause = cause;
    if (this.state.deadlineAt !== null) {
      this.cancel({ type: 'saga-deadline' });
    }
    this.record(SagaEventType.compensationStarted, cause.step, { reason: cause.reason });
    this.compensateNext(causationId);
  }

  /** Compensates, one at a time and latest first, every step that succeeded or whose outcome is unknown. */
  private compensateNext(causationId: string): void {
    for (let index = this.state.steps.length - 1; index >= 0; index--) {
      const step = this.step(index);
      const needsUndo = step.status === StepStatus.succeeded || step.status === StepStatus.unknown;
      if (
        !needsUndo ||
        step.compensation !== null ||
        this.stepDefinition(index).compensationCommand === null
      ) {
        continue;
      }
      step.compensation = { status: CompensationStatus.running, ...newTrack(), startedAt: this.nowIso };
      this.sendCommand(index, 'compensation', 1, causationId);
      return;
    }
    this.finishSaga(SagaStatus.compensated, SagaEventType.sagaCompensated, {});
  }

  private finishSaga(status: SagaState['status'], type: SagaEventType, data: JsonObject): void {
    this.state.status = status;
    if (status === SagaStatus.completed && this.state.deadlineAt !== null) {
      this.cancel({ type: 'saga-deadline' });
    }
    this.record(type, null, data);
  }

  // ── events ───────────────────────────────────────────────────────────────

  onReply(reply: Reply): void {
    if (isTerminal(this.state.status)) {
      return this.ignore(reply, `saga is ${this.state.status}`);
    }
    const index = this.state.steps.findIndex((s) => s.name === reply.step);
    if (index < 0) {
      return this.ignore(reply, `saga has no step "${reply.step}"`);
    }
    const step = this.step(index);
    const track = reply.kind === 'action' ? step : step.compensation;
    if (track === null || !track.messageIds.includes(reply.in_reply_to)) {
      return this.ignore(reply, `no ${reply.kind} command ${reply.in_reply_to} was sent for this step`);
    }
    const trackRunning =
      reply.kind === 'action'
        ? step.status === StepStatus.running
        : step.compensation?.status === CompensationStatus.running;
    if (!trackRunning) {
      return this.ignore(reply, `the step's ${reply.kind} has already finished`);
    }
    if (track.answeredMessageIds.includes(reply.in_reply_to)) {
      return this.ignore(reply, `command ${reply.in_reply_to} was already answered`);
    }
    const answersOutstanding = track.outstanding?.messageId === reply.in_reply_to;
    if (reply.outcome === 'in_progress') {
      if (!answersOutstanding || track.outstanding === null) {
        return this.ignore(reply, 'progress report for an attempt that is no longer outstanding');
      }
      return this.extendAttempt(index, reply.kind, track.outstanding, reply.message_id);
    }
    if (reply.outcome === 'success') {
      // Every attempt shares one idempotency key: a success to any attempt means the command took effect.
      this.cancelPendingTimers(step.name, reply.kind, track);
      track.answeredMessageIds.push(reply.in_reply_to);
      track.outstanding = null;
      track.finishedAt = this.nowIso;
      track.error = null;
      track.lastAttemptTimedOut = false;
      if (reply.kind === 'action') {
        step.status = StepStatus.succeeded;
        step.output = reply.output;
        this.record(SagaEventType.stepSucceeded, step.name, {
          messageId: reply.message_id,
          inReplyTo: reply.in_reply_to,
          attempt: track.attempts,
          output: reply.output,
        });
        this.advance(index, reply.message_id);
      } else {
        step.compensation!.status = CompensationStatus.succeeded;
        this.record(SagaEventType.compensationSucceeded, step.name, {
          messageId: reply.message_id,
          inReplyTo: reply.in_reply_to,
          attempt: track.attempts,
          output: reply.output,
        });
        this.compensateNext(reply.message_id);
      }
      return;
    }
    if (!answersOutstanding) {
      return this.ignore(reply, 'failure reply to an attempt that is no longer outstanding');
    }
    this.cancel({
      type: 'attempt-timeout',
      step: step.name,
      kind: reply.kind,
      attempt: track.attempts,
      messageId: reply.in_reply_to,
    });
    track.answeredMessageIds.push(reply.in_reply_to);
    track.outstanding = null;
    track.lastAttemptTimedOut = false;
    this.attemptFailed(index, reply.kind, reply.error, reply.message_id, { messageId: reply.message_id });
  }

  onTimer(timer: TimerPayload): void {
    if (isTerminal(this.state.status)) {
      return;
    }
    if (timer.type === 'saga-deadline') {
      return this.onSagaDeadline();
    }
    const index = this.state.steps.findIndex((s) => s.name === timer.step);
    if (index < 0) {
      return;
    }
    const step = this.step(index);
    const track = timer.kind === 'action' ? step : step.compensation;
    const expectedSagaStatus = timer.kind === 'action' ? SagaStatus.running : SagaStatus.compensating;
    if (track === null || this.state.status !== expectedSagaStatus) {
      return;
    }
    if (timer.type === 'attempt-timeout') {
      if (track.outstanding?.messageId !== timer.messageId) {
        return;
      }
      track.outstanding = null;
      track.lastAttemptTimedOut = true;
      const timeoutMs = this.stepDefinition(index).timeoutMs;
      const error: ReplyError = {
        code: 'TIMEOUT',
        message: `attempt ${timer.attempt} got no reply within ${timeoutMs}ms`,
        retryable: true,
      };
      this.attemptFailed(index, timer.kind, error, timer.messageId, {
        messageId: timer.messageId,
        timedOut: true,
      });
      return;
    }
    if (track.outstanding === null && track.attempts === timer.attempt - 1 && track.finishedAt === null) {
      this.sendCommand(index, timer.kind, timer.attempt, timer.causationId);
    }
  }

  /** The participant is still working: the attempt's timeout starts over from now. */
  private extendAttempt(
    index: number,
    kind: CommandKind,
    attempt: OutstandingAttempt,
    progressId: string,
  ): void {
    const step = this.step(index);
    attempt.deadline = new Date(this.ctx.now.getTime() + this.stepDefinition(index).timeoutMs).toISOString();
    const { messageId } = attempt;
    this.schedule(
      { type: 'attempt-timeout', step: step.name, kind, attempt: attempt.attempt, messageId },
      attempt.deadline,
    );
    this.record(SagaEventType.attemptExtended, step.name, {
      kind,
      attempt: attempt.attempt,
      messageId,
      progressId,
      deadline: attempt.deadline,
    });
  }

  /** Resumes a COMPENSATION_FAILED saga: the failed compensation is sent again with a fresh retry budget. */
  onOperatorRetry(causationId: string): void {
    if (this.state.status !== SagaStatus.compensationFailed) {
      return;
    }
    const index = this.state.steps.findIndex((s) => s.compensation?.status === CompensationStatus.failed);
    const compensation = this.state.steps[index]?.compensation;
    if (compensation === undefined || compensation === null) {
      return;
    }
    this.state.status = SagaStatus.compensating;
    compensation.status = CompensationStatus.running;
    compensation.finishedAt = null;
    compensation.budgetStart = compensation.attempts;
    this.record(SagaEventType.sagaRetried, this.step(index).name, {
      previousAttempts: compensation.attempts,
    });
    this.sendCommand(index, 'compensation', compensation.attempts + 1, causationId);
  }

  private onSagaDeadline(): void {
    if (this.state.status !== SagaStatus.running) {
      return;
    }
    this.record(SagaEventType.sagaDeadlinePassed, null, { deadline: this.state.deadlineAt });
    this.stopForward('saga-deadline', 'saga deadline passed', null);
  }

  /** An operator stops a running saga: the step in flight is given up on and compensation starts now. */
  onOperatorAbort(reason: string, causationId: string): void {
    if (this.state.status !== SagaStatus.running) {
      return;
    }
    this.record(SagaEventType.sagaAborted, null, { reason });
    this.stopForward('aborted', `aborted: ${reason}`, causationId);
  }

  /**
   * Gives up on the step in flight — its outcome is unknown when an attempt was outstanding or the last one timed
   * out, else it failed — and starts compensating.
   */
  private stopForward(cause: CompensationCause['reason'], why: string, causationId: string | null): void {
    let causation = causationId ?? this.state.id;
    const running = this.state.steps.find((s) => s.status === StepStatus.running);
    if (running !== undefined) {
      this.cancelPendingTimers(running.name, 'action', running);
      const outcomeUnknown = running.outstanding !== null || running.lastAttemptTimedOut;
      if (causationId === null) causation = running.outstanding?.messageId ?? causation;
      running.status = outcomeUnknown ? StepStatus.unknown : StepStatus.failed;
      running.outstanding = null;
      running.finishedAt = this.nowIso;
      this.record(SagaEventType.stepFailed, running.name, {
        reason: why,
        outcome: outcomeUnknown ? 'unknown' : 'failed',
      });
    }
    this.beginCompensation({ reason: cause, step: running?.name ?? null, at: this.nowIso }, causation);
  }

  /** An attempt failed or timed out: retry while the policy allows, otherwise give up on the track. */
  private attemptFailed(
    index: number,
    kind: CommandKind,
    error: ReplyError,
    causationId: string,
    data: JsonObject,
  ): void {
    const step = this.step(index);
    const stepDefinition = this.stepDefinition(index);
    const track = this.track(step, kind);
    const policy: RetryPolicy = kind === 'action' ? stepDefinition.retry : stepDefinition.compensationRetry;
    track.error = error;
    const timedOut = track.lastAttemptTimedOut;
    const attemptsInBudget = track.attempts - track.budgetStart;
    if (error.retryable && hasAttemptsLeft(policy, attemptsInBudget)) {
      const delayMs = backoffDelayMs(policy, attemptsInBudget);
      const retryAt = new Date(this.ctx.now.getTime() + delayMs).toISOString();
      this.schedule(
        { type: 'retry', step: step.name, kind, attempt: track.attempts + 1, causationId },
        retryAt,
      );
      const type = attemptFailedEventType(kind, timedOut);
      this.record(type, step.name, { ...data, attempt: track.attempts, error, retryAt });
      return;
    }
    track.finishedAt = this.nowIso;
    if (kind === 'action') {
      step.status = timedOut ? StepStatus.unknown : StepStatus.failed;
      this.record(SagaEventType.stepFailed, step.name, {
        ...data,
        attempt: track.attempts,
        error,
        outcome: timedOut ? 'unknown' : 'failed',
      });
      this.beginCompensation({ reason: 'step-failed', step: step.name, at: this.nowIso }, causationId);
      return;
    }
    step.compensation!.status = CompensationStatus.failed;
    this.record(SagaEventType.compensationFailed, step.name, { ...data, attempt: track.attempts, error });
    this.finishSaga(SagaStatus.compensationFailed, SagaEventType.sagaCompensationFailed, { step: step.name });
  }

  private cancelPendingTimers(stepName: string, kind: CommandKind, track: AttemptTrack): void {
    if (track.outstanding !== null) {
      const { attempt, messageId } = track.outstanding;
      this.cancel({ type: 'attempt-timeout', step: stepName, kind, attempt, messageId });
    } else {
      this.cancel({ type: 'retry', step: stepName, kind, attempt: track.attempts + 1, causationId: '' });
    }
  }

  private ignore(reply: Reply, reason: string): void {
    this.record(SagaEventType.replyIgnored, reply.step, {
      messageId: reply.message_id,
      inReplyTo: reply.in_reply_to,
      kind: reply.kind,
      outcome: reply.outcome,
      reason,
    });
  }

  private step(index: number): StepState {
    const step = this.state.steps[index];
    if (step === undefined) {
      throw new Error(`saga ${this.state.id} has no step ${index}`);
    }
    return step;
  }

  private stepDefinition(index: number): StepDefinition {
    const step = this.definition.steps[index];
    if (step === undefined) {
      throw new Error(`definition ${this.definition.name}@${this.definition.version} has no step ${index}`);
    }
    return step;
  }

  private track(step: StepState, kind: CommandKind): AttemptTrack {
    if (kind === 'action') {
      return step;
    }
    if (step.compensation === null) {
      throw new Error(`step ${step.name} has no compensation in progress`);
    }
    return step.compensation;
  }
}

function attemptFailedEventType(kind: CommandKind, timedOut: boolean): SagaEventType {
  if (kind === 'action') {
    return timedOut ? SagaEventType.stepAttemptTimedOut : SagaEventType.stepAttemptFailed;
  }
  return timedOut ? SagaEventType.compensationAttemptTimedOut : SagaEventType.compensationAttemptFailed;
}

function compensationPayload(step: StepState): JsonObject {
  return { ...(step.payload ?? {}), output: step.status === StepStatus.succeeded ? step.output : null };
}

function traceHeaders(trace: TraceContext | null): Record<string, string> {
  const headers: Record<string, string> = {};
  if (trace?.traceparent !== undefined) headers.traceparent = trace.traceparent;
  if (trace?.tracestate !== undefined) headers.tracestate = trace.tracestate;
  return headers;
}
