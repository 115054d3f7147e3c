import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { LifecycleEvent } from 'saga-orchestrator-sdk/contracts';
import { type EventContext, type Subscription, subscribe } from 'saga-orchestrator-sdk';
import { type TestVhost, createVhost } from '../support/rabbit-vhost';
import {
  SdkTestBroker,
  expectNamedQueueDrained,
  gate,
  recordingLogger,
  testEvent,
} from '../support/sdk-broker';
import { waitFor } from '../support/wait-for';

const run = promisify(execFile);

interface Heard {
  event: LifecycleEvent;
  context: EventContext;
}

describe('SDK subscribe: lifecycle events on a queue of the subscriber', () => {
  let vhost: TestVhost;
  let broker: SdkTestBroker;
  const subscriptions: Subscription[] = [];

  beforeAll(async () => {
    vhost = await createVhost('sdk-subscribe');
    broker = await SdkTestBroker.connect(vhost.url);
  });

  afterAll(async () => {
    await Promise.all(subscriptions.map((subscription) => subscription.close()));
    await broker?.close();
    await vhost?.drop();
  });

  /** Subscribes on a queue of its own; the handler records what it heard, then does `then`. */
  async function subscriber(
    bindings: string[],
    then: (heard: Heard[]) => Promise<void> | void = () => undefined,
    options: { maxAttempts?: number } = {},
  ) {
    const heard: Heard[] = [];
    const logger = recordingLogger();
    const queue = `test.${randomUUID()}`;
    const subscription = await subscribe({
      url: vhost.url,
      queue,
      bindings,
      logger,
      ...options,
      handler: async (event, context) => {
        heard.push({ event, context });
        await then(heard);
      },
    });
    subscriptions.push(subscription);
    return { heard, logger, queue, subscription };
  }

  it('declares its queue, binds it, and hands the handler each event its bindings name, parsed, then acknowledges it', async () => {
    const { heard, queue } = await subscriber(['order-fulfillment.SagaCompleted', 'trip-booking.*']);
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    // Bound to nothing of this subscriber: routed nowhere.
    await broker.sendEvent(testEvent('StepSucceeded', { step: 'reserve-inventory', output: { id: 1 } }));
    const completed = await broker.sendEvent(testEvent('SagaCompleted'), { traceparent });
    const trip = await broker.sendEvent(
      testEvent('StepFailed', {
        saga: { id: randomUUID(), name: 'trip-booking', version: 2 },
        status: 'COMPENSATING',
        step: 'book-hotel',
        error: { code: 'FULL', message: 'no room', retryable: false },
      }),
    );

    await waitFor('two events handled', () => (heard.length === 2 ? true : undefined));
    expect(heard.map(({ event }) => event)).toEqual([completed, trip]);
    expect(heard[0]!.context).toEqual({
      headers: { traceparent },
      redelivered: false,
      attempt: 1,
    });
    await expectNamedQueueDrained(vhost.name, queue);
  });

  it('dead-letters with the reason what is not a lifecycle event, without calling the handler', async () => {
    const { heard, queue } = await subscriber(['order-fulfillment.#']);
    const garbage = randomUUID();
    await broker.publishEvent('order-fulfillment.SagaCompleted', Buffer.from('not json'), {
      messageId: garbage,
    });
    const wrongShape = randomUUID();
    const { status: _status, ...withoutStatus } = testEvent('SagaCompleted');
    await broker.publishEvent('order-fulfillment.SagaCompleted', Buffer.from(JSON.stringify(withoutStatus)), {
      messageId: wrongShape,
    });
    const good = await broker.sendEvent(testEvent('SagaCompensated', { status: 'COMPENSATED' }));

    expect((await broker.deadLetter(garbage)).reason).toMatch(/^the event body is not valid JSON/);
    const { reason, message } = await broker.deadLetter(wrongShape);
    expect(reason).toMatch(/^not a lifecycle event: status: /);
    expect(message.properties.headers).toMatchObject({
      'x-saga-original-exchange': 'sagas.events',
      'x-saga-original-routing-key': 'order-fulfillment.SagaCompleted',
    });
    await waitFor('the valid event handled', () => (heard.length > 0 ? true : undefined));
    expect(heard.map(({ event }) => event)).toEqual([good]);
    await expectNamedQueueDrained(vhost.name, queue);
  });

  it('gives an event back when the handler throws, and acknowledges it once the handler succeeds', async () => {
    const { heard, logger, queue } = await subscriber(['order-fulfillment.SagaCompleted'], (so) => {
      if (so.length < 3) throw new Error(`not yet (${so.length})`);
    });
    const event = await broker.sendEvent(testEvent('SagaCompleted'));

    await waitFor('the third run of the handler', () => (heard.length === 3 ? true : undefined));
    await expectNamedQueueDrained(vhost.name, queue);
    expect(heard.map(({ event: e, context }) => [e.event_id, context.attempt, context.redelivered])).toEqual([
      [event.event_id, 1, false],
      [event.event_id, 2, true],
      [event.event_id, 3, true],
    ]);
    expect(logger.lines.filter((line) => line.message === 'event handler failed; retrying')).toHaveLength(2);
  });

  it('dead-letters an event the handler failed on maxAttempts times, with the last error', async () => {
    const { heard, logger, queue } = await subscriber(
      ['order-fulfillment.SagaSuspended'],
      () => {
        throw new Error('ledger unavailable');
      },
      { maxAttempts: 2 },
    );
    const event = await broker.sendEvent(testEvent('SagaSuspended', { status: 'SUSPENDED', step: 'ship' }));

    const { reason, message } = await broker.deadLetter(event.event_id);
    expect(reason).toBe('the event handler failed 2 times: ledger unavailable');
    expect(JSON.parse(message.content.toString('utf8'))).toEqual(event);
    expect(heard).toHaveLength(2);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'event handler failed; giving up',
        fields: expect.objectContaining({ eventId: event.event_id, attempt: 2, maxAttempts: 2 }),
      }),
    );
    await expectNamedQueueDrained(vhost.name, queue);
  });

  it('waits, on close, for the event being handled, and acknowledges it', async () => {
    const release = gate();
    const started = gate();
    const { heard, queue, subscription } = await subscriber(
      ['order-fulfillment.SagaCompensationFailed'],
      async () => {
        started.open();
        await release.opened;
      },
    );
    await broker.sendEvent(
      testEvent('SagaCompensationFailed', {
        status: 'COMPENSATION_FAILED',
        errors: [{ step: 'charge', error: null, at: new Date().toISOString() }],
      }),
    );
    await started.opened;

    const closing = subscription.close();
    release.open();
    await closing;
    expect(heard).toHaveLength(1);
    expect(await broker.checkQueue(queue)).toMatchObject({ messageCount: 0, consumerCount: 0 });
  });

  it('reconnects after losing its connection and consumes again', async () => {
    const { heard, logger } = await subscriber(['order-fulfillment.SagaStarted']);
    await run('rabbitmqctl', ['close_all_connections', '-p', vhost.name, 'test: connection lost']);
    const reconnected = await SdkTestBroker.connect(vhost.url);
    try {
      await waitFor('the subscriber to reconnect', () =>
        logger.lines.some((line) => line.message === 'broker connection lost; reconnecting')
          ? true
          : undefined,
      );
      const event = await reconnected.sendEvent(testEvent('SagaStarted', { status: 'RUNNING' }));
      await waitFor(
        'the event handled after the reconnect',
        () => (heard.length > 0 ? true : undefined),
        20000,
      );
      expect(heard.map(({ event: e }) => e)).toEqual([event]);
    } finally {
      await reconnected.close();
    }
    broker = await SdkTestBroker.connect(vhost.url);
  });
});
