import { compileSubscriberOptions } from 'saga-orchestrator-sdk/internal/sdk/subscriber-options';

const base = {
  url: 'amqp://guest:guest@127.0.0.1:5672',
  queue: 'billing.saga-events',
  bindings: ['order-fulfillment.SagaCompleted'],
  handler: () => undefined,
};

describe('compileSubscriberOptions', () => {
  it('applies the defaults', () => {
    expect(compileSubscriberOptions(base)).toMatchObject({
      queue: 'billing.saga-events',
      bindings: ['order-fulfillment.SagaCompleted'],
      prefetch: 16,
      maxAttempts: 5,
      maxEventBytes: 8388608,
    });
  });

  it.each([
    ['#'],
    ['order-fulfillment.*'],
    ['*.SagaCompleted'],
    ['#.SagaCompensationFailed'],
    ['trip-booking.#'],
    ['a-1.StepSkipped'],
  ])('takes the binding %s', (binding) => {
    expect(compileSubscriberOptions({ ...base, bindings: [binding] }).bindings).toEqual([binding]);
  });

  it('binds each routing key once', () => {
    const bindings = ['order-fulfillment.SagaCompleted', 'order-fulfillment.SagaCompleted', '#'];
    expect(compileSubscriberOptions({ ...base, bindings }).bindings).toEqual([
      'order-fulfillment.SagaCompleted',
      '#',
    ]);
  });

  it('lists every problem at once', () => {
    expect(() =>
      compileSubscriberOptions({
        url: '',
        queue: 'sagas.commands.inventory',
        bindings: ['order-fulfillment.SagaComplete', 'Order.SagaCompleted', 'order.SagaCompleted.x', ''],
        handler: undefined as never,
        prefetch: 0,
        maxAttempts: 101,
        maxEventBytes: 0,
      }),
    ).toThrow(
      'invalid subscriber options:\n' +
        'url: is required (or transport)\n' +
        'queue: "sagas.commands.inventory" is a command queue\n' +
        'bindings.0: "order-fulfillment.SagaComplete" matches no event: a binding is <saga name>.<event type>, ' +
        'with * or # for any, or # alone; the types are SagaStarted, StepSucceeded, StepFailed, StepSkipped, ' +
        'SagaCompensating, SagaSuspended, SagaCompleted, SagaCompensated, SagaCompensationFailed\n' +
        'bindings.1: "Order.SagaCompleted" matches no event: a binding is <saga name>.<event type>, ' +
        'with * or # for any, or # alone; the types are SagaStarted, StepSucceeded, StepFailed, StepSkipped, ' +
        'SagaCompensating, SagaSuspended, SagaCompleted, SagaCompensated, SagaCompensationFailed\n' +
        'bindings.2: "order.SagaCompleted.x" matches no event: a binding is <saga name>.<event type>, ' +
        'with * or # for any, or # alone; the types are SagaStarted, StepSucceeded, StepFailed, StepSkipped, ' +
        'SagaCompensating, SagaSuspended, SagaCompleted, SagaCompensated, SagaCompensationFailed\n' +
        'bindings.3: must be a routing key\n' +
        'handler: is required (a function of the event)\n' +
        'prefetch: must be an integer from 1 to 65535 (got 0)\n' +
        'maxAttempts: must be an integer from 1 to 100 (got 101)\n' +
        'maxEventBytes: must be a positive integer (got 0)',
    );
  });

  it.each([
    ['', "is required (the subscriber's own queue)"],
    ['amq.gen-1', 'names starting with "amq." are reserved by the broker'],
    ['sagas.replies', '"sagas.replies" is a queue of the wire protocol'],
    ['sagas.dead-letter', '"sagas.dead-letter" is a queue of the wire protocol'],
    ['q'.repeat(256), 'must be at most 255 bytes'],
  ])('refuses the queue %j', (queue, problem) => {
    expect(() => compileSubscriberOptions({ ...base, queue })).toThrow(`queue: ${problem}`);
  });

  it('refuses an empty list of bindings', () => {
    expect(() => compileSubscriberOptions({ ...base, bindings: [] })).toThrow(
      'bindings: must list at least one routing key, e.g. "order-fulfillment.SagaCompleted"',
    );
  });
});
