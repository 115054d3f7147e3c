import { type Command, type LifecycleEvent, Topology } from 'saga-orchestrator-sdk/contracts';
import { subscribe } from 'saga-orchestrator-sdk';
import { EventQueue, waitForSagaPublished } from '../support/event-queue';
import { orderSagaYaml } from '../support/order-saga';
import { type ScriptedAnswer, ScriptedParticipant } from '../support/scripted-participant';
import { type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';

/** Every participant succeeds, except shipping for orders named `fail-…`. */
function script(command: Command): ScriptedAnswer {
  const orderId = String(command.payload.orderId);
  if (command.type === 'ScheduleShipment' && orderId.startsWith('fail-')) {
    return { outcome: 'failure', code: 'NO_CARRIER', message: 'no carrier', retryable: false };
  }
  return { outcome: 'success', output: { by: command.type, orderId } };
}

const noCarrier = { code: 'NO_CARRIER', message: 'no carrier', retryable: false };

describe('lifecycle events on sagas.events, over real PostgreSQL and RabbitMQ', () => {
  let engine: TestEngine;
  let participants: ScriptedParticipant[];
  let events: EventQueue;

  beforeAll(async () => {
    engine = await startTestEngine({
      sagas: {
        'all.yaml': orderSagaYaml({ name: 'order-all', extra: { events: 'all' } }),
        'terminal.yaml': orderSagaYaml({ name: 'order-terminal' }),
        'none.yaml': orderSagaYaml({ name: 'order-none', extra: { events: 'none' } }),
      },
    });
    events = await EventQueue.bind(engine.amqpUrl, 'test.lifecycle-events');
    participants = ['inventory', 'payments', 'shipping'].map(
      (name) => new ScriptedParticipant(engine.amqpUrl, name, script),
    );
    await Promise.all(participants.map((participant) => participant.start()));
  });

  afterAll(async () => {
    await Promise.all((participants ?? []).map((participant) => participant.stop()));
    await events?.close();
    await engine?.stop();
  });

  /** Starts a saga, waits until it ended and everything it published is in the test's queue, returns its events. */
  async function runSaga(
    name: string,
    orderId: string,
    headers: Record<string, string> = {},
  ): Promise<{ id: string; status: string; received: ReturnType<EventQueue['of']> }> {
    const response = await engine.request(
      'POST',
      '/api/sagas',
      { name, input: { orderId, amount: 5 } },
      headers,
    );
    expect(response.status).toBe(201);
    const id = response.body.id as string;
    const status = await waitForSagaPublished(engine.database.url, id);
    await events.readAll();
    return { id, status, received: events.of(id) };
  }

  it('publishes, with events: all, every event of a completed saga in order, as the contract says', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const { id, status, received } = await runSaga('order-all', 'all-1', {
      traceparent,
      tracestate: 'vendor=1',
    });

    expect(status).toBe('COMPLETED');
    expect(received.map(({ event }) => `${event.type} ${event.step ?? '-'} ${event.status}`)).toEqual([
      'SagaStarted - RUNNING',
      'StepSucceeded reserve-inventory RUNNING',
      'StepSucceeded charge-payment RUNNING',
      'StepSucceeded schedule-shipment COMPLETED',
      'SagaCompleted - COMPLETED',
    ]);
    for (const { event, message } of received) {
      expect(message.fields.exchange).toBe(Topology.eventsExchange);
      expect(message.fields.routingKey).toBe(`order-all.${event.type}`);
      expect(message.properties).toMatchObject({
        messageId: event.event_id,
        contentType: 'application/json',
        deliveryMode: 2,
        type: event.type,
        headers: { traceparent, tracestate: 'vendor=1' },
      });
      expect(event).toMatchObject({
        saga: { id, name: 'order-all', version: 1 },
        correlation_id: id,
      });
      expect(Date.parse(event.timestamp)).not.toBeNaN();
    }
    expect(new Set(received.map(({ event }) => event.event_id)).size).toBe(received.length);
    expect(received[2]!.event.output).toEqual({ by: 'ChargePayment', orderId: 'all-1' });
  });

  it('publishes, with events: all, the failure, the compensation and the end of a compensated saga', async () => {
    const { status, received } = await runSaga('order-all', 'fail-all-2');

    expect(status).toBe('COMPENSATED');
    expect(received.map(({ event }) => `${event.type} ${event.step ?? '-'} ${event.status}`)).toEqual([
      'SagaStarted - RUNNING',
      'StepSucceeded reserve-inventory RUNNING',
      'StepSucceeded charge-payment RUNNING',
      'StepFailed schedule-shipment COMPENSATING',
      'SagaCompensating schedule-shipment COMPENSATING',
      'SagaCompensated - COMPENSATED',
    ]);
    expect(received[3]!.event.error).toEqual(noCarrier);
  });

  it('publishes only the end of the saga by default (events: terminal)', async () => {
    const completed = await runSaga('order-terminal', 'terminal-1');
    const compensated = await runSaga('order-terminal', 'fail-terminal-2');

    expect(completed.received.map(({ event }) => `${event.type} ${event.status}`)).toEqual([
      'SagaCompleted COMPLETED',
    ]);
    expect(completed.received[0]!.message.fields.routingKey).toBe('order-terminal.SagaCompleted');
    expect(compensated.received.map(({ event }) => `${event.type} ${event.status}`)).toEqual([
      'SagaCompensated COMPENSATED',
    ]);
  });

  it('publishes nothing with events: none', async () => {
    const completed = await runSaga('order-none', 'none-1');
    const compensated = await runSaga('order-none', 'fail-none-2');

    expect([completed.status, compensated.status]).toEqual(['COMPLETED', 'COMPENSATED']);
    expect([completed.received, compensated.received]).toEqual([[], []]);
  });

  it('delivers to an SDK subscriber only the events its bindings name', async () => {
    const heard: LifecycleEvent[] = [];
    const subscription = await subscribe({
      url: engine.amqpUrl,
      queue: 'test.order-all-ends',
      bindings: ['order-all.SagaCompleted', 'order-all.SagaCompensated'],
      handler: (event) => {
        heard.push(event);
      },
    });
    try {
      const completed = await runSaga('order-all', 'sdk-1');
      const compensated = await runSaga('order-all', 'fail-sdk-2');
      await waitFor('both ends to reach the subscriber', () => (heard.length >= 2 ? true : undefined));

      expect(heard.map((event) => [event.saga.id, event.type])).toEqual([
        [completed.id, 'SagaCompleted'],
        [compensated.id, 'SagaCompensated'],
      ]);
    } finally {
      await subscription.close();
    }
  });
});
