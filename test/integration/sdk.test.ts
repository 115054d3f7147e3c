import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { type ChannelModel, type ConfirmChannel, type GetMessage, connect } from 'amqplib';
import { z } from 'zod';
import { messagesInQueue, testCommand } from '../support/sdk-broker';
import { type Command, Topology, commandQueueName, replySchema } from 'saga-orchestrator-sdk/contracts';
import {
  BusinessError,
  type CommandContext,
  type Participant,
  RetryableError,
  createParticipant,
  defineHandler,
} from 'saga-orchestrator-sdk';
import { type TestVhost, createVhost } from '../support/rabbit-vhost';

const run = promisify(execFile);

/** Lets a test hold a handler in flight until it says so. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const logged: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
const logger = {
  info: (message: string, fields?: Record<string, unknown>) =>
    logged.push({ level: 'info', message, fields }),
  warn: (message: string, fields?: Record<string, unknown>) =>
    logged.push({ level: 'warn', message, fields }),
  error: (message: string, fields?: Record<string, unknown>) =>
    logged.push({ level: 'error', message, fields }),
};

describe('participant SDK over a real RabbitMQ', () => {
  let vhost: TestVhost;
  let connection: ChannelModel;
  let channel: ConfirmChannel;
  let inventory: Participant;
  const contexts: CommandContext[] = [];
  const unread = new Map<string, GetMessage[]>();
  const typedCalls: { orderId: string; quantity: number }[] = [];
  const slow = {
    started: gate(),
    release: gate(),
    context: null as CommandContext | null,
    confirmed: [] as boolean[],
  };

  beforeAll(async () => {
    vhost = await createVhost('sdk-test');
    await openTestChannel();
    inventory = createParticipant({
      url: vhost.url,
      participant: 'inventory',
      prefetch: 4,
      logger,
      handlers: {
        ReserveInventory: async (payload, ctx) => {
          contexts.push(ctx);
          return { reservationId: `r-${String(payload.orderId)}` };
        },
        ReleaseInventory: async () => undefined,
        ReserveRareItem: async () => {
          throw new BusinessError('OUT_OF_STOCK', 'no rare items left');
        },
        ReserveFlakyItem: async () => {
          throw new RetryableError('WAREHOUSE_DOWN', 'warehouse API unavailable');
        },
        ReserveBrokenItem: async () => {
          throw new TypeError('cannot read properties of undefined');
        },
        ReserveTypedItem: defineHandler({
          payload: z.object({
            orderId: z.string(),
            quantity: z.number().int().positive().default(1),
            lines: z.array(z.object({ sku: z.string() })).optional(),
          }),
          handle: async (payload) => {
            const orderId: string = payload.orderId;
            typedCalls.push({ orderId, quantity: payload.quantity });
            return { reservationId: `r-${orderId}`, quantity: payload.quantity };
          },
        }),
        ReserveSlowItem: async (_payload, ctx) => {
          slow.context = ctx;
          slow.confirmed = await Promise.all([ctx.reportProgress(), ctx.reportProgress()]);
          slow.started.open();
          await slow.release.opened;
          return { reservationId: 'r-slow' };
        },
      },
    });
    await inventory.start();
  });

  afterAll(async () => {
    await inventory?.stop();
    await connection?.close();
    await vhost?.drop();
  });

  /** The test's own connection, to publish commands and read replies and dead letters. */
  async function openTestChannel() {
    connection = await connect(vhost.url);
    connection.on('error', () => undefined);
    channel = await connection.createConfirmChannel();
  }

  function command(type: string, overrides: Partial<Command> = {}): Command {
    return testCommand(type, { payload: { orderId: 'o-1' }, ...overrides });
  }

  async function publishRaw(
    participant: string,
    content: Buffer,
    properties: { messageId?: string; headers?: Record<string, string> } = {},
  ) {
    channel.publish(Topology.commandsExchange, participant, content, {
      persistent: true,
      contentType: 'application/json',
      replyTo: Topology.repliesQueue,
      ...properties,
    });
    await channel.waitForConfirms();
  }

  async function send(body: Command, headers: Record<string, string> = {}, participant = 'inventory') {
    await publishRaw(participant, Buffer.from(JSON.stringify(body)), { messageId: body.message_id, headers });
    return body;
  }

  /** Reads `queue` until a message matches, keeping the others for later calls; bounded by time. */
  async function take(queue: string, matches: (message: GetMessage) => boolean, timeoutMs = 10000) {
    const kept = unread.get(queue) ?? [];
    unread.set(queue, kept);
    const until = Date.now() + timeoutMs;
    for (;;) {
      const index = kept.findIndex(matches);
      if (index >= 0) return kept.splice(index, 1)[0]!;
      const message = await channel.get(queue, { noAck: true });
      if (message !== false) {
        kept.push(message);
        continue;
      }
      if (Date.now() > until) throw new Error(`no matching message on ${queue} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function replyTo(sent: Command, timeoutMs?: number) {
    const message = await take(
      Topology.repliesQueue,
      (m) => m.properties.correlationId === sent.message_id && !isProgress(m),
      timeoutMs,
    );
    return { message, body: JSON.parse(message.content.toString()) as Record<string, unknown> };
  }

  function isProgress(message: GetMessage): boolean {
    return (JSON.parse(message.content.toString()) as { outcome?: unknown }).outcome === 'in_progress';
  }

  function unacknowledged(queue: string): Promise<number> {
    return messagesInQueue(vhost.name, queue);
  }

  it('runs the handler and replies success with the contract fields and properties, then acks', async () => {
    const sent = await send(command('ReserveInventory'));
    const { message, body } = await replyTo(sent);

    // Field by field, not built with replyAnswering: this checks the envelope that builder makes.
    expect(body).toEqual({
      message_id: expect.any(String),
      in_reply_to: sent.message_id,
      saga_id: sent.saga.id,
      step: 'reserve-inventory',
      kind: 'action',
      outcome: 'success',
      output: { reservationId: 'r-o-1' },
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(body.message_id).not.toBe(sent.message_id);
    expect(replySchema.safeParse(body).success).toBe(true);
    expect(message.properties).toMatchObject({
      messageId: body.message_id,
      correlationId: sent.message_id,
      contentType: 'application/json',
      deliveryMode: 2,
    });

    const ctx = contexts.find((c) => c.messageId === sent.message_id);
    expect(ctx).toMatchObject({
      sagaId: sent.saga.id,
      sagaName: 'order-fulfillment',
      sagaVersion: 1,
      step: 'reserve-inventory',
      kind: 'action',
      attempt: 1,
      idempotencyKey: sent.idempotency_key,
      correlationId: sent.correlation_id,
      command: sent,
    });
    expect(ctx?.deadline.toISOString()).toBe(sent.deadline);

    const until = Date.now() + 15000;
    while ((await unacknowledged(commandQueueName('inventory'))) !== 0) {
      if (Date.now() > until) throw new Error('the command was never acknowledged');
    }
  });

  it('replies an empty output when the handler returns nothing', async () => {
    const sent = await send(command('ReleaseInventory', { kind: 'compensation' }));
    const { body } = await replyTo(sent);
    expect(body).toMatchObject({ outcome: 'success', kind: 'compensation', output: {} });
  });

  it.each([
    [
      'a BusinessError',
      'ReserveRareItem',
      { code: 'OUT_OF_STOCK', message: 'no rare items left', retryable: false },
    ],
    [
      'a RetryableError',
      'ReserveFlakyItem',
      { code: 'WAREHOUSE_DOWN', message: 'warehouse API unavailable', retryable: true },
    ],
    [
      'an unexpected exception',
      'ReserveBrokenItem',
      { code: 'HANDLER_ERROR', message: 'cannot read properties of undefined', retryable: true },
    ],
    [
      'an unknown command type',
      'ReserveUnicorn',
      { code: 'UNKNOWN_COMMAND', message: expect.stringContaining('ReserveUnicorn'), retryable: false },
    ],
  ])('replies failure for %s', async (_case, type, error) => {
    const sent = await send(command(type));
    const { body } = await replyTo(sent);
    expect(body).toEqual({
      message_id: expect.any(String),
      in_reply_to: sent.message_id,
      saga_id: sent.saga.id,
      step: 'reserve-inventory',
      kind: 'action',
      outcome: 'failure',
      error,
      timestamp: expect.any(String),
    });
  });

  it('runs a typed handler with the parsed payload, defaults applied', async () => {
    const sent = await send(command('ReserveTypedItem', { payload: { orderId: 'o-typed' } }));
    const { body } = await replyTo(sent);
    expect(body).toMatchObject({ outcome: 'success', output: { reservationId: 'r-o-typed', quantity: 1 } });
    expect(typedCalls).toEqual([{ orderId: 'o-typed', quantity: 1 }]);
  });

  it('refuses an invalid payload naming every failing field, without calling the handler', async () => {
    const sent = await send(
      command('ReserveTypedItem', { payload: { orderId: 42, quantity: 0, lines: [{ sku: 'a' }, {}] } }),
    );
    const { body } = await replyTo(sent);
    expect(body).toMatchObject({
      outcome: 'failure',
      error: {
        code: 'INVALID_PAYLOAD',
        message:
          'payload.orderId: expected string, received number; ' +
          'payload.quantity: Too small: expected number to be >0; ' +
          'payload.lines.1.sku: expected string, received undefined',
        retryable: false,
      },
    });
    expect(typedCalls).toHaveLength(1);
  });

  it('reports progress with ctx.reportProgress(): an in_progress message, then the final reply', async () => {
    const trace = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
    const sent = await send(command('ReserveSlowItem'), trace);
    await slow.started.opened;

    const progress = await take(
      Topology.repliesQueue,
      (m) => m.properties.correlationId === sent.message_id && isProgress(m),
    );
    const body = JSON.parse(progress.content.toString()) as Record<string, unknown>;
    expect(body).toEqual({
      message_id: expect.any(String),
      in_reply_to: sent.message_id,
      saga_id: sent.saga.id,
      step: 'reserve-inventory',
      kind: 'action',
      outcome: 'in_progress',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(body.message_id).not.toBe(sent.message_id);
    expect(replySchema.parse(body).outcome).toBe('in_progress');
    expect(progress.properties).toMatchObject({
      messageId: body.message_id,
      correlationId: sent.message_id,
      contentType: 'application/json',
      deliveryMode: 2,
      headers: trace,
    });

    slow.release.open();
    const final = await replyTo(sent);
    expect(final.body).toMatchObject({ outcome: 'success', output: { reservationId: 'r-slow' } });
    expect(final.body.message_id).not.toBe(body.message_id);
    // The two concurrent reports shared one message; one sent after the handler ended (by its old name, heartbeat) sends nothing.
    expect(slow.confirmed).toEqual([true, true]);
    expect(await slow.context?.heartbeat()).toBe(false);
    const later = await send(command('ReleaseInventory'));
    await replyTo(later);
    const leftOver = (unread.get(Topology.repliesQueue) ?? []).filter(
      (m) => m.properties.correlationId === sent.message_id,
    );
    expect(leftOver).toEqual([]);
  });

  it('dead-letters a message that is not JSON, or not a command, and keeps consuming', async () => {
    const notJson = `not json ${randomUUID()}`;
    await publishRaw('inventory', Buffer.from(notJson));
    const notCommand = JSON.stringify({ hello: randomUUID() });
    await publishRaw('inventory', Buffer.from(notCommand));

    const first = await take(Topology.deadLetterQueue, (m) => m.content.toString() === notJson);
    expect(String(first.properties.headers?.[Topology.errorHeader])).toMatch(
      /^the command body is not valid JSON/,
    );
    const second = await take(Topology.deadLetterQueue, (m) => m.content.toString() === notCommand);
    expect(String(second.properties.headers?.[Topology.errorHeader])).toMatch(/^not a command: message_id/);

    const sent = await send(command('ReserveInventory', { payload: { orderId: 'o-2' } }));
    const { body } = await replyTo(sent);
    expect(body).toMatchObject({ outcome: 'success', output: { reservationId: 'r-o-2' } });
  });

  it('copies traceparent and tracestate from the command onto the reply', async () => {
    const trace = {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'vendor=opaque',
    };
    const sent = await send(command('ReserveInventory'), trace);
    const { message } = await replyTo(sent);
    expect(message.properties.headers).toMatchObject(trace);
  });

  it('stop() waits for an in-flight handler, which still replies and acks', async () => {
    const started = gate();
    const release = gate();
    const warehouse = createParticipant({
      url: vhost.url,
      participant: 'warehouse',
      logger,
      handlers: {
        PickItems: async () => {
          started.open();
          await release.opened;
          return { picked: true };
        },
      },
    });
    await warehouse.start();
    const sent = await send(command('PickItems'), {}, 'warehouse');
    await started.opened;

    let stopped = false;
    const stopping = warehouse.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stopped).toBe(false);

    release.open();
    await stopping;
    const { body } = await replyTo(sent);
    expect(body).toMatchObject({ outcome: 'success', output: { picked: true } });
    const queue = await channel.checkQueue(commandQueueName('warehouse'));
    expect(queue).toMatchObject({ messageCount: 0, consumerCount: 0 });
  });

  it('reconnects after losing its connection and consumes again', async () => {
    const reconnected = logged.filter((l) => l.message === 'connected to the broker').length + 1;
    await run('rabbitmqctl', ['close_all_connections', '-p', vhost.name, 'test: connection lost']);
    await openTestChannel();
    unread.clear();

    const sent = await send(command('ReserveInventory', { payload: { orderId: 'o-9' } }));
    const { body } = await replyTo(sent, 20000);
    expect(body).toMatchObject({ outcome: 'success', output: { reservationId: 'r-o-9' } });
    expect(logged.filter((l) => l.message === 'connected to the broker').length).toBeGreaterThanOrEqual(
      reconnected,
    );
    expect(logged.some((l) => l.message === 'broker connection lost; reconnecting')).toBe(true);
  });

  it('logged only the unexpected exception as an error', () => {
    expect(logged.filter((l) => l.level === 'error').map((l) => l.fields?.code)).toEqual(['HANDLER_ERROR']);
  });
});
