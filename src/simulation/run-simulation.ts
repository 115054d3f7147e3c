import type { Command, JsonValue, Reply } from 'saga-orchestrator-sdk/contracts';
import type { DecisionContext } from '../core/context';
import type { SagaDefinition } from '../core/definition/types';
import type { Decision } from '../core/effects';
import type { SagaState } from '../core/state';
import { SagaStatus, isTerminal } from '../core/status';
import { decide, startSaga } from '../core/transition';
import type { Trigger } from '../core/triggers';
import type { Fault } from './faults';
import { ScriptedParticipants } from './scripted-participants';
import { type SimulationResult, simulationResult } from './simulation-result';
import { TimelineRecorder } from './timeline';
import { TimerQueue } from './timer-queue';
import { VirtualClock } from './virtual-clock';

export const SimulationLimits = {
  /** Decisions after the start before the simulation gives up: a fault that never clears on a step with unlimited attempts would otherwise run forever. */
  maxDecisions: 10_000,
} as const;

export interface SimulationOptions {
  maxDecisions?: number;
}

/** Where virtual time starts; the timeline shows time since then. */
export const SIMULATION_START = new Date('2026-01-01T00:00:00.000Z');

/** The simulated saga's id (and correlation id): `${saga.id}` reads it. */
export const SIMULATED_SAGA_ID = '00000000-0000-4000-8000-000000000001';

/** Every draw is 0.5, so a `jitter: full` delay is half its computed delay (the mean of the draw) on every run. */
const fixedRandom = (): number => 0.5;

/** A reply waiting to be delivered, with the command it answers. */
interface PendingReply {
  command: Command;
  reply: Reply;
}

/** What the simulation delivers next, and how it shows on the timeline if the saga takes notice. */
interface Delivery {
  trigger: Trigger;
  record: () => void;
}

/**
 * Runs a saga through the pure core with scripted participants on a virtual clock: replies sent at an instant are
 * delivered at that instant, in the order their commands were sent, before any timer; then the next timer fires
 * and the clock moves to it. Stops when the saga ends or is SUSPENDED, or after `maxDecisions` decisions.
 */
export function runSimulation(
  definition: SagaDefinition,
  input: JsonValue,
  faults: readonly Fault[],
  options: SimulationOptions = {},
): SimulationResult {
  return new Simulation(definition, faults).run(input, options.maxDecisions ?? SimulationLimits.maxDecisions);
}

class Simulation {
  private readonly clock = new VirtualClock(SIMULATION_START);
  private readonly timers = new TimerQueue();
  private readonly participants: ScriptedParticipants;
  private readonly timeline: TimelineRecorder;
  private readonly pendingReplies: PendingReply[] = [];
  /** Commands sent, by message id: an attempt timeout names the command it gave up on. */
  private readonly sent = new Map<string, Command>();
  private issuedIds = 0;

  constructor(
    private readonly definition: SagaDefinition,
    faults: readonly Fault[],
  ) {
    this.participants = new ScriptedParticipants(faults);
    this.timeline = new TimelineRecorder(definition, this.clock);
  }

  run(input: JsonValue, maxDecisions: number): SimulationResult {
    const start = { id: SIMULATED_SAGA_ID, correlationId: SIMULATED_SAGA_ID, causationId: SIMULATED_SAGA_ID };
    let state = this.apply(startSaga(this.definition, { ...start, input, trace: null }, this.context()));
    let decisions = 0;
    while (!isTerminal(state.status) && state.status !== SagaStatus.suspended) {
      if (decisions >= maxDecisions) {
        this.timeline.stopped(
          `stopped after ${maxDecisions} decisions with the saga still ${state.status}: a fault that never clears on a step that retries without end?`,
        );
        break;
      }
      const delivery = this.nextDelivery();
      if (delivery === null) {
        this.timeline.stopped(`nothing left to deliver, and the saga is still ${state.status}`);
        break;
      }
      const decision = decide(this.definition, state, delivery.trigger, this.context());
      decisions++;
      if (decision.changed || delivery.trigger.type === 'reply') delivery.record();
      state = this.apply(decision);
    }
    return simulationResult(state, this.timeline.entries);
  }

  private context(): DecisionContext {
    return { now: this.clock.now(), newId: () => `sim-${++this.issuedIds}`, random: fixedRandom };
  }

  /** Records the decision's log and carries out its effects: commands reach the participants, timers the queue. */
  private apply(decision: Decision): SagaState {
    this.timeline.events(decision.events);
    for (const effect of decision.effects) {
      switch (effect.type) {
        case 'send-command': {
          const { command } = effect;
          this.sent.set(command.message_id, command);
          const reply = this.participants.answer(command);
          if (reply !== null) this.pendingReplies.push({ command, reply });
          break;
        }
        case 'schedule-timer':
          this.timers.schedule(effect.key, effect.fireAt, effect.timer);
          break;
        case 'cancel-timer':
          this.timers.cancel(effect.key);
          break;
      }
    }
    return decision.state;
  }

  private nextDelivery(): Delivery | null {
    const pending = this.pendingReplies.shift();
    if (pending !== undefined) {
      return {
        trigger: { type: 'reply', reply: pending.reply },
        record: () => this.timeline.reply(pending.command, pending.reply),
      };
    }
    const due = this.timers.takeNext();
    if (due === null) return null;
    this.clock.moveTo(due.fireAt);
    const { timer } = due;
    const timedOut = timer.type === 'attempt-timeout' ? this.sent.get(timer.messageId) : undefined;
    return {
      trigger: { type: 'timer', timer },
      record: () => {
        if (timedOut !== undefined) this.timeline.timeout(timedOut);
      },
    };
  }
}
