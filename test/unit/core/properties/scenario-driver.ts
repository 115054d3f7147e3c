import type { Command, JsonObject, Reply } from 'saga-orchestrator-sdk/contracts';
import type { SagaDefinition } from '../../../../src/core/definition/types';
import type { Decision } from '../../../../src/core/effects';
import type { SagaState } from '../../../../src/core/state';
import { SagaStatus, StepStatus, isTerminal } from '../../../../src/core/status';
import type { Trigger } from '../../../../src/core/triggers';
import {
  type ScheduleTimer,
  SagaRun,
  commandsOf,
  failureReply,
  progressReply,
  successReply,
} from '../fixtures';
import type { Answer, ScenarioAction } from './scenario-arbitrary';
import { SagaInvariants, describeTrigger } from './saga-invariants';
import { SagaLedger } from './saga-ledger';

/** How many times the settling tail resumes a SUSPENDED saga before taking SUSPENDED as where it rests. */
const TAIL_RESUMES = 2;

function pickFrom<T>(candidates: T[], pick: number): T | undefined {
  return candidates.length === 0 ? undefined : candidates[pick % candidates.length];
}

/**
 * Runs one saga through the pure core: a scenario's actions, then a tail that answers every command with success
 * and fires every timer until the saga ends or rests SUSPENDED. Each decision goes through the ledger and the
 * invariants; `trace` tells what happened, one line per trigger.
 */
export class ScenarioDriver {
  readonly run: SagaRun;
  readonly ledger: SagaLedger;
  readonly trace: string[] = [];
  private readonly invariants: SagaInvariants;
  private replies = 0;

  constructor(definition: SagaDefinition, input: JsonObject) {
    this.run = new SagaRun(definition);
    this.ledger = new SagaLedger(definition);
    this.invariants = new SagaInvariants(definition, this.ledger);
    this.observe(null, null, this.run.start({ input }));
  }

  perform(action: ScenarioAction): void {
    switch (action.kind) {
      case 'answer-outstanding': {
        const record = pickFrom(this.ledger.awaitingAnswer(), action.pick);
        if (record !== undefined) this.answer(record.command, action.answer);
        return;
      }
      case 'answer-any': {
        const record = pickFrom(this.ledger.commands, action.pick);
        if (record !== undefined) this.answer(record.command, action.answer);
        return;
      }
      case 'redeliver-reply': {
        const reply = pickFrom(this.ledger.replies, action.pick);
        if (reply !== undefined) this.deliver(reply);
        return;
      }
      case 'report-progress': {
        const record = pickFrom(this.ledger.awaitingAnswer(), action.pick);
        if (record !== undefined) this.deliver(progressReply(record.command, this.nextReplyId()));
        return;
      }
      case 'fire-timer': {
        const timer = pickFrom(this.ledger.pendingTimers(), action.pick);
        if (timer !== undefined) this.fire(timer);
        return;
      }
      case 'refire-timer': {
        const timer = pickFrom(this.ledger.firedTimers, action.pick);
        if (timer !== undefined) this.apply({ type: 'timer', timer });
        return;
      }
      case 'operator-retry':
        this.apply({ type: 'operator-retry', causationId: 'operator', payload: action.payload });
        return;
      case 'operator-abort':
        this.apply({ type: 'operator-abort', reason: 'scenario', causationId: 'operator' });
        return;
      case 'operator-complete-step': {
        const step = pickFrom(this.run.state.steps, action.pick);
        if (step === undefined) return;
        this.apply({
          type: 'operator-complete-step',
          step: step.name,
          output: { byHand: true },
          reason: 'scenario',
          causationId: 'operator',
        });
        return;
      }
      case 'operator-complete-compensation': {
        const step = pickFrom(this.run.state.steps, action.pick);
        if (step === undefined) return;
        this.apply({
          type: 'operator-complete-compensation',
          step: step.name,
          reason: 'scenario',
          causationId: 'operator',
        });
        return;
      }
    }
  }

  /**
   * An operator migrates the saga to `to` (which the caller made acceptable): from now on the ledger and the
   * invariants know the saga's steps as `to` has them, and no step that had succeeded may get an action again.
   */
  migrate(to: SagaDefinition): void {
    const before = this.run.state;
    const completed = before.steps.filter((s) => s.status === StepStatus.succeeded).map((s) => s.name);
    const decision = this.run.migrate(to, 'scenario');
    if (!decision.changed) throw new Error(`migration to version ${to.version} refused`);
    this.ledger.adopt(to);
    this.invariants.adopt(to, completed);
    this.observe(
      { type: 'operator-migrate', to, reason: 'scenario', causationId: 'operator' },
      before,
      decision,
    );
  }

  /**
   * Answers every command with success and fires every timer, earliest first, until the saga ends or rests
   * SUSPENDED; throws when it gets stuck (nothing to answer, no timer, not at rest) or does not settle in time.
   */
  settle(maxSteps: number): void {
    let resumes = 0;
    for (let steps = 0; steps < maxSteps; steps++) {
      const { status } = this.run.state;
      if (isTerminal(status)) return this.invariants.checkEnd(this.run.state);
      if (status === SagaStatus.suspended) {
        if (resumes === TAIL_RESUMES) return this.invariants.checkEnd(this.run.state);
        resumes++;
        this.apply({ type: 'operator-retry', causationId: 'operator' });
        continue;
      }
      const awaiting = this.ledger.awaitingAnswer()[0];
      const timer = this.ledger.pendingTimers()[0];
      if (awaiting !== undefined) this.answer(awaiting.command, { outcome: 'success' });
      else if (timer !== undefined) this.fire(timer);
      else throw new Error(`stuck: ${status} with no command awaiting an answer and no timer`);
    }
    throw new Error(`not settled after ${maxSteps} steps: ${this.run.state.status}`);
  }

  private answer(command: Command, answer: Answer): void {
    const id = this.nextReplyId();
    this.deliver(
      answer.outcome === 'success'
        ? successReply(command, { by: id }, id)
        : failureReply(command, { code: answer.code, message: 'scenario', retryable: answer.retryable }, id),
    );
  }

  private deliver(reply: Reply): void {
    this.ledger.recordReply(reply);
    this.apply({ type: 'reply', reply });
  }

  private fire(timer: ScheduleTimer): void {
    if (Date.parse(timer.fireAt) > this.run.clock.now().getTime()) this.run.clock.moveTo(timer.fireAt);
    this.apply({ type: 'timer', timer: timer.timer });
  }

  private apply(trigger: Trigger): void {
    const before = this.run.state;
    const decision = this.run.apply(trigger);
    this.observe(trigger, before, decision);
  }

  private observe(trigger: Trigger | null, before: SagaState | null, decision: Decision): void {
    const sent = commandsOf(decision).map((c) => `${c.kind} ${c.step} #${c.attempt} ${c.message_id}`);
    const events = decision.events.map((e) => (e.step === null ? e.type : `${e.type}(${e.step})`));
    this.trace.push(
      `${describeTrigger(trigger)} → ${decision.state.status}; sent [${sent.join(', ')}]; ${events.join(' ')}`,
    );
    this.ledger.recordDecision(trigger, decision);
    this.invariants.check(trigger, before, decision);
  }

  private nextReplyId(): string {
    return `reply-${++this.replies}`;
  }
}
