import { Topology } from '../contracts/topology';
import type { Decision } from '../core/effects';
import { isTerminal } from '../core/status';
import { type NewOutboxMessage, type OutboxRow, insertOutbox } from '../persistence/outbox-sql';
import {
  type TimerToSchedule,
  deleteAllTimers,
  deleteTimers,
  insertLogEntries,
  upsertTimers,
} from '../persistence/saga-sql';
import type { Db } from '../persistence/sql';

/** How long the writing instance has to publish its outbox rows before any instance may. */
export const OUTBOX_LEASE_MS = 10_000;

/**
 * Writes what a decision causes — log rows, outbox rows, timer changes — in the caller's transaction,
 * the same one that writes the saga row. Returns the outbox rows to publish once it commits.
 */
export async function persistDecisionEffects(
  db: Db,
  decision: Decision,
  firstSeq: number,
): Promise<OutboxRow[]> {
  const sagaId = decision.state.id;
  if (decision.log.length > 0) {
    await db.query(insertLogEntries(sagaId, firstSeq, decision.log));
  }

  const timers = new Map<string, TimerToSchedule | null>();
  const messages: NewOutboxMessage[] = [];
  for (const effect of decision.effects) {
    switch (effect.type) {
      case 'send-command':
        messages.push({
          sagaId,
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

  if (isTerminal(decision.state.status)) {
    await db.query(deleteAllTimers(sagaId));
  } else {
    const cancelled = [...timers].filter(([, timer]) => timer === null).map(([key]) => key);
    const scheduled = [...timers.values()].filter((timer): timer is TimerToSchedule => timer !== null);
    if (cancelled.length > 0) await db.query(deleteTimers(sagaId, cancelled));
    if (scheduled.length > 0) await db.query(upsertTimers(sagaId, scheduled));
  }

  if (messages.length === 0) return [];
  return (await db.query<OutboxRow>(insertOutbox(messages, OUTBOX_LEASE_MS))).rows;
}
