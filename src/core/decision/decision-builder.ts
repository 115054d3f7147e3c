import type { CommandKind, JsonObject } from 'saga-orchestrator-sdk/contracts';
import type { DecisionContext } from '../context';
import type { ExpressionScope, SagaDefinition, StepDefinition } from '../definition/types';
import type { Decision, Effect } from '../effects';
import { type SagaEvent, SagaEventType } from '../events';
import type { AttemptTrack, SagaState, StepState } from '../state';
import { StepStatus } from '../status';
import { type TimerPayload, timerKey } from '../timers';
import { InvariantError } from '../errors';
import { pivotPassed } from '../operator-rules';
import { traceHeaders } from '../trace-headers';
import { lifecycleEventEffects } from './lifecycle-events';

/**
 * One decision being made: the saga's state (a copy, changed in place), the effects and events it produces, and
 * the primitives every part of the decision uses. The parts themselves (the saga's flow, replies, timers, operator
 * actions) are functions of it, each in a file of its own.
 */
export class DecisionBuilder {
  private readonly effects: Effect[] = [];
  private readonly events: SagaEvent[] = [];
  private changed = false;
  readonly nowIso: string;

  constructor(
    readonly definition: SagaDefinition,
    readonly state: SagaState,
    readonly ctx: DecisionContext,
  ) {
    this.nowIso = ctx.now.toISOString();
  }

  finish(): Decision {
    if (this.changed) {
      this.state.updatedAt = this.nowIso;
    }
    const selection = this.definition.lifecycleEvents;
    this.effects.push(...lifecycleEventEffects(selection, this.state, this.events, this.ctx.newId));
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

  cancel(timer: TimerPayload): void {
    this.effects.push({ type: 'cancel-timer', key: timerKey(timer) });
  }

  sendCommand(index: number, kind: CommandKind, attempt: number, causationId: string): void {
    const stepDefinition = this.stepDefinition(index);
    const step = this.step(index);
    const track = this.track(step, kind);
    const messageId = this.ctx.newId();
    const deadline = new Date(this.ctx.now.getTime() + stepDefinition.timeoutMs).toISOString();
    const type =
      kind === 'action' ? stepDefinition.actionCommand : (stepDefinition.compensationCommand ?? '');
    track.attempts = attempt;
    track.outstanding = { messageId, attempt, deadline, sentAt: this.nowIso };
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

  /** The indexes of the steps of a stage: one, or a group's members. */
  stageSteps(stage: number): number[] {
    const found = this.definition.stages[stage];
    if (found === undefined)
      throw new InvariantError(`definition ${this.definition.name} has no stage ${stage}`);
    return found.kind === 'step' ? [found.step] : found.members;
  }

  indexOf(stepName: string): number {
    return this.state.steps.findIndex((s) => s.name === stepName);
  }

  /** What expressions read: the input, the outputs so far (null for a step that has none), the saga. */
  scope(): ExpressionScope {
    return {
      input: this.state.input,
      steps: Object.fromEntries(this.state.steps.map((s) => [s.name, { output: s.output }])),
      saga: { id: this.state.id, correlationId: this.state.correlationId },
    };
  }

  /** The pivot succeeded: the saga can only go forward. */
  pastPivot(): boolean {
    return pivotPassed(this.definition, this.state);
  }

  /** Orders a step's action among those that ended (SUCCEEDED or UNKNOWN): compensation goes latest first. */
  markCompleted(step: StepState): void {
    step.completionOrder = 1 + Math.max(0, ...this.state.steps.map((s) => s.completionOrder ?? 0));
  }

  /** Cancels the timer a track waits on: its attempt's timeout, or its next attempt's retry. */
  cancelPendingTimers(stepName: string, kind: CommandKind, track: AttemptTrack): void {
    if (track.outstanding !== null) {
      const { attempt, messageId } = track.outstanding;
      this.cancel({ type: 'attempt-timeout', step: stepName, kind, attempt, messageId });
    } else {
      this.cancel({ type: 'retry', step: stepName, kind, attempt: track.attempts + 1, causationId: '' });
    }
  }

  step(index: number): StepState {
    const step = this.state.steps[index];
    if (step === undefined) {
      throw new InvariantError(`saga ${this.state.id} has no step ${index}`);
    }
    return step;
  }

  stepDefinition(index: number): StepDefinition {
    const step = this.definition.steps[index];
    if (step === undefined) {
      throw new InvariantError(
        `definition ${this.definition.name}@${this.definition.version} has no step ${index}`,
      );
    }
    return step;
  }

  track(step: StepState, kind: CommandKind): AttemptTrack {
    if (kind === 'action') {
      return step;
    }
    if (step.compensation === null) {
      throw new InvariantError(`step ${step.name} has no compensation in progress`);
    }
    return step.compensation;
  }
}

/** A step that has not started: what a saga starts with, and what a migration adds. */
export function newStepState(step: StepDefinition): StepState {
  return {
    name: step.name,
    status: StepStatus.pending,
    output: null,
    payload: null,
    compensation: null,
    ...newTrack(),
  };
}

export function newTrack(): AttemptTrack {
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

function compensationPayload(step: StepState): JsonObject {
  return { ...(step.payload ?? {}), output: step.status === StepStatus.succeeded ? step.output : null };
}
