import type { Command, FinalReply } from 'saga-orchestrator-sdk/contracts';
import {
  type HandlerDeclaration,
  type IdempotencyStore,
  createMemoryIdempotencyStore,
} from 'saga-orchestrator-sdk';
import { ActionTurns } from 'saga-orchestrator-sdk/internal/sdk/action-turns';
import { type CommandEnvironment, handleCommand } from 'saga-orchestrator-sdk/internal/sdk/command-handling';
import { compileHandler } from 'saga-orchestrator-sdk/internal/sdk/handlers';
import { compensationOf, gate, nextAttempt, recordingLogger, testCommand } from '../../support/sdk-broker';

const compensatedBeforeAction = {
  code: 'COMPENSATED_BEFORE_ACTION',
  message: 'step "reserve-inventory" was compensated before this action ran; the action will not run',
  retryable: false,
};

/** A participant's command handling in this process; `calls` lists the handlers run, by command type. */
class InventoryParticipant {
  readonly calls: string[] = [];
  /** The sagas whose inventory is reserved. */
  readonly reserved = new Set<string>();
  readonly logger = recordingLogger();
  private readonly env: CommandEnvironment;
  private ids = 0;

  constructor(
    readonly store: IdempotencyStore,
    handlers: Record<string, HandlerDeclaration>,
  ) {
    const compiled = new Map(
      Object.entries(handlers).map(([type, declaration]) => [type, compileHandler(declaration)!]),
    );
    this.env = {
      handlers: compiled,
      idempotency: store,
      actionTurns: new ActionTurns(),
      logger: this.logger,
      now: () => new Date('2026-11-25T10:30:00.000Z'),
      newId: () => `reply-${++this.ids}`,
      maxCommandBytes: 1 << 20,
    };
  }

  async deliver(command: Command): Promise<FinalReply> {
    const handled = await handleCommand(
      {
        content: Buffer.from(JSON.stringify(command)),
        headers: {},
        sendProgressReport: () => Promise.resolve(),
      },
      this.env,
    );
    if (handled.kind !== 'reply') throw new Error(`dead-lettered: ${handled.reason}`);
    return handled.reply;
  }
}

function inventory(
  store: IdempotencyStore = createMemoryIdempotencyStore(),
  reserving: Promise<void> = Promise.resolve(),
): InventoryParticipant {
  const participant: InventoryParticipant = new InventoryParticipant(store, {
    ReserveInventory: async (_payload, ctx) => {
      participant.calls.push('ReserveInventory');
      await reserving;
      participant.reserved.add(ctx.sagaId);
      return { reservationId: 'r-1' };
    },
    ReleaseInventory: async (_payload, ctx) => {
      participant.calls.push('ReleaseInventory');
      return { released: participant.reserved.delete(ctx.sagaId) };
    },
  });
  return participant;
}

describe('a compensation that overtakes its action (memory store)', () => {
  it('tombstones the action; the action, arriving later, is refused without running', async () => {
    const participant = inventory();
    const action = testCommand('ReserveInventory');
    const compensation = compensationOf(action, 'ReleaseInventory');

    expect(await participant.deliver(compensation)).toMatchObject({
      outcome: 'success',
      output: { released: false },
    });
    for (const late of [action, nextAttempt(action), action]) {
      expect(await participant.deliver(late)).toMatchObject({
        outcome: 'failure',
        in_reply_to: late.message_id,
        error: compensatedBeforeAction,
      });
    }
    expect(participant.calls).toEqual(['ReleaseInventory']);
    expect(await participant.store.find(action.idempotency_key)).toMatchObject({
      error: compensatedBeforeAction,
      messageId: compensation.message_id,
    });
    expect(participant.logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'action refused: its compensation was handled before it ran',
      }),
    );
  });

  it('leaves an action that ran alone: the compensation undoes it, a redelivery gets its output', async () => {
    const participant = inventory();
    const action = testCommand('ReserveInventory');
    await participant.deliver(action);

    expect(await participant.deliver(compensationOf(action, 'ReleaseInventory'))).toMatchObject({
      outcome: 'success',
      output: { released: true },
    });
    expect(await participant.deliver(action)).toMatchObject({
      outcome: 'success',
      output: { reservationId: 'r-1' },
    });
    expect(participant.calls).toEqual(['ReserveInventory', 'ReleaseInventory']);
  });

  it('waits for an action still running before it looks, and compensates it after', async () => {
    const reserved = gate();
    const participant = inventory(createMemoryIdempotencyStore(), reserved.opened);
    const action = testCommand('ReserveInventory');

    const actionReply = participant.deliver(action);
    const compensationReply = participant.deliver(compensationOf(action, 'ReleaseInventory'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(participant.calls).toEqual(['ReserveInventory']);
    reserved.open();

    expect(await actionReply).toMatchObject({ outcome: 'success', output: { reservationId: 'r-1' } });
    expect(await compensationReply).toMatchObject({ outcome: 'success', output: { released: true } });
    expect(participant.calls).toEqual(['ReserveInventory', 'ReleaseInventory']);
    expect(await participant.store.find(action.idempotency_key)).toMatchObject({ outcome: 'success' });
  });

  it('never runs an action after its compensation, however the deliveries interleave', async () => {
    const participant = inventory();
    const microtasks = async (count: number) => {
      for (let left = count; left > 0; left--) await Promise.resolve();
    };
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, async (_unused, index) => {
        const action = testCommand('ReserveInventory');
        const compensation = compensationOf(action, 'ReleaseInventory');
        const [actionReply, compensationReply] = await Promise.all([
          microtasks(index % 12).then(() => participant.deliver(action)),
          microtasks((index * 7) % 5).then(() => participant.deliver(compensation)),
        ]);
        return { sagaId: action.saga.id, actionReply, compensationReply };
      }),
    );
    const seen = new Set<string>();
    for (const { sagaId, actionReply, compensationReply } of outcomes) {
      expect(compensationReply).toMatchObject({ outcome: 'success' });
      // Either the action ran first and the compensation released it, or it never ran and never will.
      if (actionReply.outcome === 'success') {
        expect(compensationReply).toMatchObject({ output: { released: true } });
      } else {
        expect(actionReply).toMatchObject({ error: compensatedBeforeAction });
        expect(compensationReply).toMatchObject({ output: { released: false } });
      }
      expect(participant.reserved.has(sagaId)).toBe(false);
      seen.add(actionReply.outcome);
    }
    expect([...seen].sort()).toEqual(['failure', 'success']);
  });

  it('does not handle the compensation when the tombstone cannot be recorded: the engine retries it', async () => {
    const memory = createMemoryIdempotencyStore();
    const participant = inventory({
      ...memory,
      recordTombstone: () => Promise.reject(new Error('connection refused')),
    });
    const action = testCommand('ReserveInventory');
    expect(await participant.deliver(compensationOf(action, 'ReleaseInventory'))).toMatchObject({
      outcome: 'failure',
      error: {
        code: 'IDEMPOTENCY_STORE_ERROR',
        message: 'idempotency store unavailable: connection refused',
        retryable: true,
      },
    });
    expect(participant.calls).toEqual([]);
  });

  it('leaves no tombstone with a store that cannot record one', async () => {
    const { find, record } = createMemoryIdempotencyStore();
    const participant = inventory({ find, record });
    const action = testCommand('ReserveInventory');
    await participant.deliver(compensationOf(action, 'ReleaseInventory'));
    expect(await participant.deliver(action)).toMatchObject({ outcome: 'success' });
    expect(participant.calls).toEqual(['ReleaseInventory', 'ReserveInventory']);
  });
});

describe('ActionTurns', () => {
  it('makes an action that arrives while its tombstone is being recorded wait for it', async () => {
    const turns = new ActionTurns();
    const recorded = gate();
    const order: string[] = [];
    const tombstone = turns.recordTombstone('k', async () => {
      await recorded.opened;
      order.push('tombstone');
    });
    const action = turns.handleAction('k', async () => {
      order.push('action');
    });
    const otherKey = turns.handleAction('other', async () => {
      order.push('other action');
    });
    await otherKey;
    expect(order).toEqual(['other action']);
    recorded.open();
    await Promise.all([tombstone, action]);
    expect(order).toEqual(['other action', 'tombstone', 'action']);
  });

  it('makes a tombstone wait for every delivery of its action being handled', async () => {
    const turns = new ActionTurns();
    const first = gate();
    const second = gate();
    const order: string[] = [];
    const deliveries = [first, second].map((held, index) =>
      turns.handleAction('k', async () => {
        await held.opened;
        order.push(`action ${index + 1}`);
      }),
    );
    const tombstone = turns.recordTombstone('k', async () => {
      order.push('tombstone');
    });
    second.open();
    await deliveries[1];
    expect(order).toEqual(['action 2']);
    first.open();
    await Promise.all([...deliveries, tombstone]);
    expect(order).toEqual(['action 2', 'action 1', 'tombstone']);
  });

  it('keeps taking turns after a delivery or a recording failed', async () => {
    const turns = new ActionTurns();
    await expect(turns.handleAction('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(turns.recordTombstone('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(turns.handleAction('k', () => Promise.resolve('ran'))).resolves.toBe('ran');
    await expect(turns.recordTombstone('k', () => Promise.resolve('recorded'))).resolves.toBe('recorded');
  });
});
