import { Topology, eventRoutingKey } from 'saga-orchestrator-sdk/contracts';
import type { Decision } from '../core/effects';
import { SagaEventType } from '../core/events';
import { SagaStatus, isTerminal } from '../core/status';
import type { SagaChange, TimerToSchedule } from './ports';
import { InvariantError } from '../core/errors';

export interface SagaPosition {
  sagaId: string;
  revision: number;
  lastSeq: number;
}

export interface ConsumedInputs {
  /** Replies the decisions applied: recorded so a redelivery is recognised. */
  processedReplies?: string[];
  /** Timers the decisions applied: deleted unless a decision scheduled the same key again. */
  firedTimers?: string[];
}

/** Folds the decisions made one after another on one saga into the single change that records them all. */
export function sagaChange(
  at: SagaPosition,
  decisions: Decision[],
  consumed: ConsumedInputs = {},
): SagaChange {
  const last = decisions.at(-1);
  if (last === undefined) throw new InvariantError('a saga change needs at least one decision');

  const timers = new Map<string, TimerToSchedule | null>();
  for (const key of consumed.firedTimers ?? []) timers.set(key, null);
  const change: SagaChange = {
    sagaId: at.sagaId,
    expectedRevision: at.revision,
    state: decisions.some((decision) => decision.changed) ? last.state : null,
    movedToVersion: decisions.some((decision) =>
      decision.events.some((event) => event.type === SagaEventType.sagaMigrated),
    )
      ? last.state.version
      : null,
    lastSeq: at.lastSeq,
    events: [],
    processedReplies: consumed.processedReplies ?? [],
    // An ended saga keeps no timer; a suspended one runs none until it is resumed (which schedules what it needs).
    clearTimers: isTerminal(last.state.status) || last.state.status === SagaStatus.suspended,
    cancelledTimers: [],
    scheduledTimers: [],
    commands: [],
  };

  for (const decision of decisions) {
    for (const event of decision.events) change.events.push({ ...event, seq: ++change.lastSeq });
    for (const effect of decision.effects) {
      switch (effect.type) {
        case 'send-command':
          change.commands.push({
            messageId: effect.command.message_id,
            exchange: Topology.commandsExchange,
            routingKey: effect.participant,
            headers: effect.headers,
            body: effect.command,
          });
          break;
        case 'schedule-timer':
          timers.set(effect.key, { key: effect.key, fireAt: effect.fireAt, payload: effect.timer });
          break;
        case 'cancel-timer':
          timers.set(effect.key, null);
          break;
        case 'publish-event':
          change.commands.push({
            messageId: effect.event.event_id,
            exchange: Topology.eventsExchange,
            routingKey: eventRoutingKey(effect.event.saga.name, effect.event.type),
            headers: effect.headers,
            body: effect.event,
          });
          break;
      }
    }
  }

  // One statement must not touch a timer row twice: each key ends up either cancelled or scheduled.
  if (!change.clearTimers) {
    for (const [key, timer] of timers) {
      if (timer === null) change.cancelledTimers.push(key);
      else change.scheduledTimers.push(timer);
    }
  }
  return change;
}
