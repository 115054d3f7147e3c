import { Topology } from '../contracts/topology';
import type { Decision } from '../core/effects';
import { isTerminal } from '../core/status';
import type { SagaWrite, TimerToSchedule } from '../persistence/saga-write-sql';

/** How long the writing instance has to publish its outbox rows before any instance may. */
export const OUTBOX_LEASE_MS = 10_000;

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

/** Folds the decisions made one after another on one saga into the single write that records them all. */
export function sagaWrite(at: SagaPosition, decisions: Decision[], consumed: ConsumedInputs = {}): SagaWrite {
  const last = decisions.at(-1);
  if (last === undefined) throw new Error('a saga write needs at least one decision');

  const timers = new Map<string, TimerToSchedule | null>();
  for (const key of consumed.firedTimers ?? []) timers.set(key, null);
  const write: SagaWrite = {
    sagaId: at.sagaId,
    expectedRevision: at.revision,
    state: decisions.some((decision) => decision.changed) ? last.state : null,
    lastSeq: at.lastSeq,
    log: [],
    processedReplies: consumed.processedReplies ?? [],
    clearTimers: isTerminal(last.state.status),
    cancelledTimers: [],
    scheduledTimers: [],
    commands: [],
  };

  for (const decision of decisions) {
    for (const entry of decision.log) write.log.push({ ...entry, seq: ++write.lastSeq });
    for (const effect of decision.effects) {
      switch (effect.type) {
        case 'send-command':
          write.commands.push({
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
      }
    }
  }

  // One statement must not touch a timer row twice: each key ends up either cancelled or scheduled.
  if (!write.clearTimers) {
    for (const [key, timer] of timers) {
      if (timer === null) write.cancelledTimers.push(key);
      else write.scheduledTimers.push(timer);
    }
  }
  return write;
}
