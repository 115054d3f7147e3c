import type { Command, Reply } from 'saga-orchestrator-sdk/contracts';
import type { SagaDefinition } from '../../../../src/core/definition/types';
import type { Decision } from '../../../../src/core/effects';
import { SagaEventType } from '../../../../src/core/events';
import { SagaStatus, isTerminal } from '../../../../src/core/status';
import { type TimerPayload, timerKey } from '../../../../src/core/timers';
import type { Trigger } from '../../../../src/core/triggers';
import type { ScheduleTimer } from '../fixtures';

/** A command as the participants see it: whether they answered it, and whether the engine gave up waiting. */
export interface CommandRecord {
  command: Command;
  answered: boolean;
  /** The engine took its attempt as timed out. */
  timedOut: boolean;
  /**
   * The engine no longer waits for it: the saga deadline or an operator abort gave up on this attempt of a step
   * outside any group, or a success to another attempt of the step finished it (one idempotency key for all, §3).
   */
  abandoned: boolean;
}

/**
 * What the world outside the core holds for one saga, kept from the triggers delivered and the decisions' effects:
 * the commands sent, the replies delivered, and the timers, with the orchestrator's rule that an ended or
 * suspended saga keeps no timer.
 */
export class SagaLedger {
  readonly commands: CommandRecord[] = [];
  readonly replies: Reply[] = [];
  readonly firedTimers: TimerPayload[] = [];
  private readonly timers = new Map<string, ScheduleTimer>();

  constructor(private definition: SagaDefinition) {}

  /** The saga was migrated: its steps from now on are those of `definition`. */
  adopt(definition: SagaDefinition): void {
    this.definition = definition;
  }

  /** Commands the participants have not answered and the engine has not given up on as timed out. */
  awaitingAnswer(): CommandRecord[] {
    return this.commands.filter((record) => !record.answered && !record.timedOut);
  }

  /** Scheduled timers, earliest first. */
  pendingTimers(): ScheduleTimer[] {
    return [...this.timers.values()].sort((a, b) => Date.parse(a.fireAt) - Date.parse(b.fireAt));
  }

  recordReply(reply: Reply): void {
    this.replies.push(reply);
    if (reply.outcome === 'in_progress') return;
    const answered = this.commands.find((record) => record.command.message_id === reply.in_reply_to);
    if (answered !== undefined) answered.answered = true;
  }

  recordDecision(trigger: Trigger | null, decision: Decision): void {
    if (trigger?.type === 'timer') {
      this.timers.delete(timerKey(trigger.timer));
      this.firedTimers.push(trigger.timer);
    }
    for (const event of decision.events) {
      const { messageId, timedOut } = event.data;
      if (timedOut === true && typeof messageId === 'string') this.markTimedOut(messageId);
      // A success, or an operator who did the step by hand, supersedes the step's other attempts.
      const done =
        event.type === SagaEventType.stepSucceeded || event.type === SagaEventType.stepCompletedByOperator;
      if (done && event.step !== null) this.markSuperseded(event.step, 'action');
      if (event.type === SagaEventType.compensationCompletedByOperator && event.step !== null) {
        this.markSuperseded(event.step, 'compensation');
      }
    }
    if (this.givesUpForward(trigger)) this.markAbandoned(decision);
    for (const effect of decision.effects) {
      if (effect.type === 'send-command') {
        this.commands.push({ command: effect.command, answered: false, timedOut: false, abandoned: false });
      } else if (effect.type === 'schedule-timer') {
        this.timers.set(effect.key, effect);
      } else if (effect.type === 'cancel-timer') {
        this.timers.delete(effect.key);
      }
    }
    const { status } = decision.state;
    if (isTerminal(status) || status === SagaStatus.suspended) this.timers.clear();
  }

  private markTimedOut(messageId: string): void {
    const record = this.commands.find((candidate) => candidate.command.message_id === messageId);
    if (record !== undefined) record.timedOut = true;
  }

  private markSuperseded(step: string, kind: Command['kind']): void {
    for (const record of this.commands) {
      if (record.command.step === step && record.command.kind === kind && !record.answered) {
        record.abandoned = true;
      }
    }
  }

  private givesUpForward(trigger: Trigger | null): boolean {
    return (
      trigger?.type === 'operator-abort' ||
      (trigger?.type === 'timer' && trigger.timer.type === 'saga-deadline')
    );
  }

  private markAbandoned(decision: Decision): void {
    const plainSteps = new Set(
      this.definition.stages.flatMap((stage) =>
        stage.kind === 'step' ? [this.definition.steps[stage.step]!.name] : [],
      ),
    );
    const givenUp = decision.events
      .filter((event) => event.type === SagaEventType.stepFailed && event.step !== null)
      .map((event) => event.step);
    for (const record of this.commands) {
      const { step, kind } = record.command;
      if (kind === 'action' && givenUp.includes(step) && plainSteps.has(step) && !record.answered) {
        record.abandoned = true;
      }
    }
  }
}
