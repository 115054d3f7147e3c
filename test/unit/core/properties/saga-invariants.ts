import type { Command } from 'saga-orchestrator-sdk/contracts';
import type { SagaDefinition } from '../../../../src/core/definition/types';
import type { Decision } from '../../../../src/core/effects';
import { SagaEventType } from '../../../../src/core/events';
import type { SagaState } from '../../../../src/core/state';
import { SagaStatus, StepStatus } from '../../../../src/core/status';
import type { Trigger } from '../../../../src/core/triggers';
import { commandsOf } from '../fixtures';
import type { SagaLedger } from './saga-ledger';

export class InvariantViolation extends Error {}

interface StepLayout {
  /** The group's name when the step is a member of a group compensated all at once. */
  parallelGroup: string | null;
  undoable: boolean;
  pivot: boolean;
}

function layoutOf(definition: SagaDefinition): Map<string, StepLayout> {
  return new Map(
    definition.steps.map((step, index) => {
      const stage = definition.stages[step.stage]!;
      const parallelGroup = stage.kind === 'group' && stage.compensation === 'parallel' ? stage.name : null;
      const layout = {
        parallelGroup,
        undoable: step.compensationCommand !== null,
        pivot: definition.pivot === index,
      };
      return [step.name, layout];
    }),
  );
}

/**
 * Watches every decision of one saga and throws at the first one that breaks a safety property: nothing goes
 * forward once compensation began, compensation never overtakes an action, undoes latest first and never follows
 * a pivot that succeeded; a skipped step gets no command; a suspended saga does nothing until resumed.
 */
export class SagaInvariants {
  private layout: Map<string, StepLayout>;
  /** Steps that had SUCCEEDED when the saga was migrated: no action may be sent for them any more. */
  private readonly completedBeforeMigration = new Set<string>();
  private compensationBegan = false;
  private pivotSucceeded = false;
  private completions = 0;
  private readonly completedAt = new Map<string, number>();
  private readonly skipped = new Set<string>();
  private readonly undoing = new Set<string>();
  private readonly undone = new Set<string>();

  constructor(
    definition: SagaDefinition,
    private readonly ledger: SagaLedger,
  ) {
    this.layout = layoutOf(definition);
  }

  /**
   * The saga moves to `definition`: its steps from now on are that definition's (the started ones unchanged),
   * and those in `completed` are done for good.
   */
  adopt(definition: SagaDefinition, completed: Iterable<string>): void {
    this.layout = new Map([...this.layout, ...layoutOf(definition)]);
    for (const step of completed) this.completedBeforeMigration.add(step);
  }

  /** Call after the ledger recorded the decision. */
  check(trigger: Trigger | null, before: SagaState | null, decision: Decision): void {
    for (const event of decision.events) this.observeEvent(event.type, event.step, event.data.outcome);
    for (const command of commandsOf(decision)) {
      if (this.skipped.has(command.step)) {
        this.fail(`SKIPPED step ${command.step} got ${command.kind} ${command.message_id}`);
      }
      if (command.kind === 'action') this.checkAction(command);
      else this.checkCompensation(command);
    }
    this.checkSuspension(trigger, before, decision);
  }

  /** The saga has settled: its end agrees with what was sent. */
  checkEnd(state: SagaState): void {
    if (
      this.pivotSucceeded &&
      state.status !== SagaStatus.completed &&
      state.status !== SagaStatus.suspended
    ) {
      this.fail(`the pivot succeeded, yet the saga ended ${state.status}`);
    }
    if (state.status === SagaStatus.completed) {
      if (this.undoing.size + this.undone.size > 0) this.fail('COMPLETED after compensations were sent');
      const unfinished = state.steps.filter(
        (step) => step.status !== StepStatus.succeeded && step.status !== StepStatus.skipped,
      );
      if (unfinished.length > 0)
        this.fail(`COMPLETED with step ${unfinished[0]!.name} ${unfinished[0]!.status}`);
    }
    if (state.status === SagaStatus.compensated) {
      const leftOver = state.steps.find(
        (step) =>
          (step.status === StepStatus.succeeded || step.status === StepStatus.unknown) &&
          this.layout.get(step.name)!.undoable &&
          step.compensation?.status !== 'SUCCEEDED',
      );
      if (leftOver !== undefined)
        this.fail(`COMPENSATED with ${leftOver.name} ${leftOver.status} not undone`);
    }
  }

  private observeEvent(type: string, step: string | null, outcome: unknown): void {
    if (type === SagaEventType.compensationStarted) this.compensationBegan = true;
    if (step === null) return;
    if (type === SagaEventType.stepSkipped) {
      this.skipped.add(step);
      const sent = this.ledger.commands.find((record) => record.command.step === step);
      if (sent !== undefined)
        this.fail(`${step} was SKIPPED after ${sent.command.message_id} was sent for it`);
    }
    const succeeded = type === SagaEventType.stepSucceeded || type === SagaEventType.stepCompletedByOperator;
    if (succeeded && this.layout.get(step)!.pivot) this.pivotSucceeded = true;
    if (succeeded || (type === SagaEventType.stepFailed && outcome === 'unknown')) {
      this.completedAt.set(step, ++this.completions);
      const overtaken = [...this.undoing, ...this.undone].find((other) => !this.undoneTogether(other, step));
      if (overtaken !== undefined) {
        this.fail(
          `${step} completed after the compensation of ${overtaken} began: it cannot be undone first`,
        );
      }
    }
    if (
      type === SagaEventType.compensationSucceeded ||
      type === SagaEventType.compensationFailed ||
      type === SagaEventType.compensationCompletedByOperator
    ) {
      this.undoing.delete(step);
      this.undone.add(step);
    }
  }

  private checkAction(command: Command): void {
    if (this.completedBeforeMigration.has(command.step)) {
      this.fail(
        `action ${command.step} (${command.message_id}) sent after a migration, yet it had succeeded`,
      );
    }
    if (this.compensationBegan) {
      this.fail(`action ${command.step} (${command.message_id}) sent after compensation began`);
    }
  }

  private checkCompensation(command: Command): void {
    const step = command.step;
    const id = `compensation ${step} (${command.message_id})`;
    const actions = this.ledger.commands.filter(
      (r) => r.command.step === step && r.command.kind === 'action',
    );
    if (actions.length === 0) this.fail(`${id} sent, but its action never was`);
    if (this.pivotSucceeded) this.fail(`${id} sent after the pivot succeeded`);
    const inFlight = actions.find((r) => !r.answered && !r.timedOut && !r.abandoned);
    if (inFlight !== undefined) {
      this.fail(`${id} sent while action ${inFlight.command.message_id} is outstanding`);
    }
    const concurrent = [...this.undoing].find((other) => other !== step && !this.undoneTogether(other, step));
    if (concurrent !== undefined) this.fail(`${id} sent while the compensation of ${concurrent} runs`);
    const mine = this.completedAt.get(step) ?? 0;
    const laterNotUndone = [...this.completedAt].find(
      ([other, order]) =>
        order > mine &&
        other !== step &&
        this.layout.get(other)!.undoable &&
        !this.undoneTogether(other, step) &&
        !this.undone.has(other),
    );
    if (laterNotUndone !== undefined) {
      this.fail(`${id} sent before ${laterNotUndone[0]}, which completed later, was undone`);
    }
    this.undone.delete(step);
    this.undoing.add(step);
  }

  /** Members of one `parallel` group are undone at once; everything else one at a time. */
  private undoneTogether(a: string, b: string): boolean {
    const group = this.layout.get(a)!.parallelGroup;
    return group !== null && group === this.layout.get(b)!.parallelGroup;
  }

  /** Nothing is sent while SUSPENDED (the orchestrator drops every timer of a saga that rests SUSPENDED). */
  private checkSuspension(trigger: Trigger | null, before: SagaState | null, decision: Decision): void {
    const after = decision.state;
    const sends = commandsOf(decision).length;
    if (after.status === SagaStatus.suspended && sends > 0) {
      this.fail(
        `a decision on ${describeTrigger(trigger)} leaves the saga SUSPENDED yet sends ${sends} command(s)`,
      );
    }
    if (before?.status !== SagaStatus.suspended || trigger?.type === 'operator-retry') return;
    // A late success of the step the saga waits on resumes it: the action took effect (contract §3); so does an
    // operator who did that step by hand (contract §8).
    const resumedBySuccess =
      (trigger?.type === 'reply' &&
        trigger.reply.outcome === 'success' &&
        trigger.reply.kind === 'action' &&
        trigger.reply.step === before.suspension?.step) ||
      (trigger?.type === 'operator-complete-step' && trigger.step === before.suspension?.step);
    if (!resumedBySuccess && after.status !== SagaStatus.suspended) {
      this.fail(`a SUSPENDED saga became ${after.status} on ${describeTrigger(trigger)}`);
    }
  }

  private fail(message: string): never {
    throw new InvariantViolation(message);
  }
}

export function describeTrigger(trigger: Trigger | null): string {
  if (trigger === null) return 'start';
  switch (trigger.type) {
    case 'reply': {
      const { reply } = trigger;
      const detail =
        reply.outcome === 'failure' ? ` ${reply.error.code}${reply.error.retryable ? '/r' : ''}` : '';
      return `reply ${reply.outcome}${detail} to ${reply.kind} ${reply.step} ${reply.in_reply_to} (${reply.message_id})`;
    }
    case 'timer': {
      const { timer } = trigger;
      return timer.type === 'saga-deadline'
        ? 'timer saga-deadline'
        : `timer ${timer.type} ${timer.kind} ${timer.step} #${timer.attempt}`;
    }
    case 'operator-retry':
      return `operator retry${trigger.payload === undefined ? '' : ' with payload'}`;
    case 'operator-abort':
      return 'operator abort';
    case 'operator-migrate':
      return `operator migrate to version ${trigger.to.version}`;
    case 'operator-complete-step':
      return `operator complete step ${trigger.step}`;
    case 'operator-complete-compensation':
      return `operator complete compensation ${trigger.step}`;
  }
}
