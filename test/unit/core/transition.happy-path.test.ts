import type { Command, JsonObject } from 'saga-orchestrator-sdk/contracts';
import { SagaEventType } from '../../../src/core/events';
import type { SagaState, TraceContext } from '../../../src/core/state';
import { decide, startSaga } from '../../../src/core/transition';
import {
  at,
  cancelledKeysOf,
  commandsOf,
  deepFreeze,
  defineSaga,
  FATAL,
  logTypesOf,
  onlyCommand,
  OUTPUTS,
  orderSaga,
  RETRYABLE,
  SagaRun,
  scheduledOf,
  sendsOf,
  START,
  successReply,
  T0,
} from './fixtures';

describe('startSaga', () => {
  it('creates the initial state and sends the first action', () => {
    const run = new SagaRun(orderSaga({ timeout: 300_000 }));
    const decision = run.start();

    expect(decision.changed).toBe(true);
    expect(decision.state).toMatchObject({
      id: 'saga-1',
      name: 'order-fulfillment',
      version: 1,
      status: 'RUNNING',
      input: { orderId: 'o-1', amount: 42.5 },
      correlationId: 'corr-1',
      createdAt: at(0),
      updatedAt: at(0),
      deadlineAt: at(300_000),
      trace: null,
      compensationCause: null,
    });
    expect(decision.state.steps.map((s) => [s.name, s.status])).toEqual([
      ['reserve', 'RUNNING'],
      ['charge', 'PENDING'],
      ['ship', 'PENDING'],
    ]);
    expect(run.step('reserve')).toEqual({
      name: 'reserve',
      status: 'RUNNING',
      output: null,
      payload: { orderId: 'o-1', sagaId: 'saga-1' },
      compensation: null,
      attempts: 1,
      error: null,
      startedAt: at(0),
      finishedAt: null,
      outstanding: { messageId: 'msg-1', attempt: 1, deadline: at(10_000), sentAt: at(0) },
      messageIds: ['msg-1'],
      answeredMessageIds: [],
      budgetStart: 0,
      lastAttemptTimedOut: false,
    });
    expect(decision.events).toEqual([
      {
        type: 'SagaStarted',
        at: at(0),
        step: null,
        data: { input: { orderId: 'o-1', amount: 42.5 }, correlationId: 'corr-1', version: 1 },
      },
      {
        type: 'CommandSent',
        at: at(0),
        step: 'reserve',
        data: {
          kind: 'action',
          type: 'ReserveInventory',
          attempt: 1,
          messageId: 'msg-1',
          deadline: at(10_000),
        },
      },
    ]);
  });

  it('sends the full command body of the first action, caused by the start request', () => {
    const run = new SagaRun(orderSaga());
    const decision = run.start();

    expect(sendsOf(decision)).toEqual([
      {
        type: 'send-command',
        participant: 'inventory',
        headers: {},
        command: {
          message_id: 'msg-1',
          type: 'ReserveInventory',
          kind: 'action',
          saga: { id: 'saga-1', name: 'order-fulfillment', version: 1 },
          step: 'reserve',
          attempt: 1,
          idempotency_key: 'saga-1:reserve:action',
          correlation_id: 'corr-1',
          causation_id: 'request-1',
          timestamp: '2026-11-25T10:30:00.000Z',
          deadline: '2026-11-25T10:30:10.000Z',
          payload: { orderId: 'o-1', sagaId: 'saga-1' },
        },
      },
    ]);
  });

  it.each<[string, number | null, string[]]>([
    ['with a whole-saga timeout', 300_000, ['saga-deadline', 'reserve:action:timeout:1']],
    ['without a whole-saga timeout', null, ['reserve:action:timeout:1']],
  ])('schedules the timers %s', (_, timeout, keys) => {
    const run = new SagaRun(orderSaga({ timeout }));
    const decision = run.start();

    expect(scheduledOf(decision).map((t) => t.key)).toEqual(keys);
    expect(run.timeoutOf(onlyCommand(decision))).toEqual({
      type: 'schedule-timer',
      key: 'reserve:action:timeout:1',
      fireAt: at(10_000),
      timer: { type: 'attempt-timeout', step: 'reserve', kind: 'action', attempt: 1, messageId: 'msg-1' },
    });
    expect(decision.state.deadlineAt).toBe(timeout === null ? null : at(timeout));
    if (timeout !== null) {
      expect(run.sagaDeadline()).toEqual({
        type: 'schedule-timer',
        key: 'saga-deadline',
        fireAt: at(timeout),
        timer: { type: 'saga-deadline' },
      });
    }
  });

  it('starts at whatever instant the context says', () => {
    const later = new Date('2027-02-03T04:05:06.789Z');
    const run = new SagaRun(orderSaga({ timeout: 60_000 }), later);
    const command = onlyCommand(run.start());

    expect(command.timestamp).toBe('2027-02-03T04:05:06.789Z');
    expect(command.deadline).toBe('2027-02-03T04:05:16.789Z');
    expect(run.state.deadlineAt).toBe('2027-02-03T04:06:06.789Z');
  });
});

describe('three sequential steps to COMPLETED', () => {
  function runToCompletion(): { run: SagaRun; commands: Command[] } {
    const run = new SagaRun(orderSaga({ timeout: 300_000 }));
    run.start();
    run.clock.advance(1_000);
    run.complete('reserve', OUTPUTS.reserve);
    run.clock.advance(2_500);
    run.complete('charge', OUTPUTS.charge);
    run.clock.advance(700);
    run.complete('ship', OUTPUTS.ship);
    return { run, commands: run.sent };
  }

  it('sends each action exactly once, in order, to its participant', () => {
    const { run, commands } = runToCompletion();

    expect(commands.map((c) => [c.step, c.type, c.kind, c.attempt])).toEqual([
      ['reserve', 'ReserveInventory', 'action', 1],
      ['charge', 'ChargePayment', 'action', 1],
      ['ship', 'ScheduleShipment', 'action', 1],
    ]);
    expect(run.decisions.flatMap(sendsOf).map((s) => s.participant)).toEqual([
      'inventory',
      'payments',
      'shipping',
    ]);
    expect(run.decisions.map((d) => commandsOf(d).length)).toEqual([1, 1, 1, 0]);
  });

  it('flows earlier outputs into later payloads', () => {
    const { commands } = runToCompletion();

    expect(commands.map((c) => c.payload)).toEqual([
      { orderId: 'o-1', sagaId: 'saga-1' },
      { orderId: 'o-1', amount: 42.5, reservationId: 'r-9' },
      {
        orderId: 'o-1',
        label: 'order o-1 paid by p-7',
        items: [{ sku: 'a-1', qty: 2 }],
        correlation: 'corr-1',
      },
    ]);
  });

  it.each<[string, (c: Command) => unknown, unknown[]]>([
    ['message_id', (c) => c.message_id, ['msg-1', 'msg-2', 'msg-3']],
    [
      'idempotency_key',
      (c) => c.idempotency_key,
      ['saga-1:reserve:action', 'saga-1:charge:action', 'saga-1:ship:action'],
    ],
    ['correlation_id', (c) => c.correlation_id, ['corr-1', 'corr-1', 'corr-1']],
    ['causation_id', (c) => c.causation_id, ['request-1', 'reply-to-msg-1', 'reply-to-msg-2']],
    ['timestamp', (c) => c.timestamp, [at(0), at(1_000), at(3_500)]],
    ['deadline (now + step timeout)', (c) => c.deadline, [at(10_000), at(1_000 + 20_000), at(3_500 + 5_000)]],
    ['saga', (c) => c.saga, Array(3).fill({ id: 'saga-1', name: 'order-fulfillment', version: 1 })],
  ])('sets %s on every command', (_, field, expected) => {
    const { commands } = runToCompletion();
    expect(commands.map(field)).toEqual(expected);
  });

  it('records each step as SUCCEEDED with its output and ends COMPLETED', () => {
    const { run } = runToCompletion();

    expect(run.state.status).toBe('COMPLETED');
    expect(run.state.updatedAt).toBe(at(4_200));
    expect(run.state.compensationCause).toBeNull();
    expect(
      run.state.steps.map((s) => ({
        name: s.name,
        status: s.status,
        attempts: s.attempts,
        output: s.output,
        startedAt: s.startedAt,
        finishedAt: s.finishedAt,
        outstanding: s.outstanding,
        compensation: s.compensation,
      })),
    ).toEqual([
      {
        name: 'reserve',
        status: 'SUCCEEDED',
        attempts: 1,
        output: OUTPUTS.reserve,
        startedAt: at(0),
        finishedAt: at(1_000),
        outstanding: null,
        compensation: null,
      },
      {
        name: 'charge',
        status: 'SUCCEEDED',
        attempts: 1,
        output: OUTPUTS.charge,
        startedAt: at(1_000),
        finishedAt: at(3_500),
        outstanding: null,
        compensation: null,
      },
      {
        name: 'ship',
        status: 'SUCCEEDED',
        attempts: 1,
        output: OUTPUTS.ship,
        startedAt: at(3_500),
        finishedAt: at(4_200),
        outstanding: null,
        compensation: null,
      },
    ]);
  });

  it('cancels each answered attempt timeout, and the saga deadline on completion', () => {
    const { run } = runToCompletion();
    const [, first, second, third] = run.decisions;

    expect(cancelledKeysOf(first!)).toEqual(['reserve:action:timeout:1']);
    expect(cancelledKeysOf(second!)).toEqual(['charge:action:timeout:1']);
    expect(cancelledKeysOf(third!)).toEqual(['ship:action:timeout:1', 'saga-deadline']);
    expect(scheduledOf(third!)).toEqual([]);
  });

  it('does not cancel a saga deadline that was never scheduled', () => {
    const run = new SagaRun(orderSaga());
    run.start();
    run.complete('reserve', OUTPUTS.reserve);
    run.complete('charge', OUTPUTS.charge);
    const decision = run.complete('ship');

    expect(run.state.status).toBe('COMPLETED');
    expect(cancelledKeysOf(decision)).toEqual(['ship:action:timeout:1']);
  });

  it('logs each success, the next command and the completion', () => {
    const { run } = runToCompletion();

    expect(run.decisions.map(logTypesOf)).toEqual([
      ['SagaStarted', 'CommandSent'],
      ['StepSucceeded', 'CommandSent'],
      ['StepSucceeded', 'CommandSent'],
      ['StepSucceeded', 'SagaCompleted'],
    ]);
    expect(run.decisions[1]!.events[0]).toEqual({
      type: SagaEventType.stepSucceeded,
      at: at(1_000),
      step: 'reserve',
      data: { messageId: 'reply-to-msg-1', inReplyTo: 'msg-1', attempt: 1, output: OUTPUTS.reserve },
    });
    expect(run.last.events[1]).toEqual({ type: 'SagaCompleted', at: at(4_200), step: null, data: {} });
  });

  it('completes a single-step saga on its first success', () => {
    const run = new SagaRun(defineSaga({ steps: [{ name: 'only', payload: { n: 1 } }] }));
    run.start();
    const decision = run.complete('only', { done: true });

    expect(decision.state.status).toBe('COMPLETED');
    expect(decision.state.steps[0]).toMatchObject({ status: 'SUCCEEDED', output: { done: true } });
    expect(commandsOf(decision)).toEqual([]);
  });
});

describe('payload rendering while running', () => {
  it.each<[string, JsonObject, JsonObject]>([
    ['an absent earlier output value becomes null', { id: '${steps.first.output.missing}' }, { id: null }],
    [
      'an absent value inside a string becomes ""',
      { text: 'id=${steps.first.output.missing}' },
      { text: 'id=' },
    ],
    ['a whole object keeps its JSON type', { all: '${steps.first.output}' }, { all: { a: 1, b: [true] } }],
    [
      'an object inside a string is JSON',
      { text: 'o=${steps.first.output}' },
      { text: 'o={"a":1,"b":[true]}' },
    ],
    ['saga fields are readable', { s: '${saga.id}/${saga.correlationId}' }, { s: 'saga-1/corr-1' }],
    ['$${ stays literal', { raw: '$${input.x}' }, { raw: '${input.x}' }],
  ])('%s', (_, payload, expected) => {
    const run = new SagaRun(
      defineSaga({
        steps: [{ name: 'first' }, { name: 'second', payload }],
      }),
    );
    run.start();
    const second = onlyCommand(run.complete('first', { a: 1, b: [true] }));

    expect(second.payload).toEqual(expected);
    expect(run.step('second').payload).toEqual(expected);
  });
});

describe('trace headers', () => {
  const cases: Array<[string, TraceContext | null, Record<string, string>]> = [
    [
      'traceparent and tracestate',
      { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'vendor=1' },
      { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'vendor=1' },
    ],
    [
      'traceparent only',
      { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    ],
    ['no trace context', null, {}],
  ];

  it.each(cases)('copies %s onto every action, retry and compensation', (_, trace, headers) => {
    const run = new SagaRun(orderSaga());
    run.start({ trace });
    run.complete('reserve', OUTPUTS.reserve);
    run.fail(run.lastCommand, RETRYABLE);
    run.retry('charge');
    run.complete('charge', OUTPUTS.charge);
    run.fail(run.lastCommand, FATAL);
    run.fail(run.lastCommand, RETRYABLE);
    run.retry('charge', 'compensation');
    run.succeed(run.lastCommand);
    run.succeed(run.lastCommand);

    const sends = run.decisions.flatMap(sendsOf);
    expect(sends.map((s) => [s.command.step, s.command.kind, s.command.attempt])).toEqual([
      ['reserve', 'action', 1],
      ['charge', 'action', 1],
      ['charge', 'action', 2],
      ['ship', 'action', 1],
      ['charge', 'compensation', 1],
      ['charge', 'compensation', 2],
      ['reserve', 'compensation', 1],
    ]);
    expect(run.state.status).toBe('COMPENSATED');
    for (const send of sends) expect(send.headers).toEqual(headers);
    expect(run.state.trace).toEqual(trace);
  });
});

describe('decide is pure', () => {
  function frozenRun(): SagaRun {
    const run = new SagaRun(orderSaga({ timeout: 60_000 }));
    run.start();
    run.complete('reserve', OUTPUTS.reserve);
    return run;
  }

  it.each<[string, (run: SagaRun) => void]>([
    ['a success reply', (run) => run.succeed(run.lastCommand, OUTPUTS.charge)],
    ['a retryable failure reply', (run) => run.fail(run.lastCommand, RETRYABLE)],
    ['a non-retryable failure reply', (run) => run.fail(run.lastCommand, FATAL)],
    ['an attempt timeout', (run) => run.timeout(run.lastCommand)],
    ['the saga deadline', (run) => run.fire(run.sagaDeadline())],
    ['an ignored reply', (run) => run.succeed(run.sent[0]!)],
    ['a stale timer', (run) => run.fire(run.timeoutOf(run.sent[0]!))],
  ])('leaves the input state untouched on %s', (_, act) => {
    const run = frozenRun();
    const before: SagaState = structuredClone(run.state);
    deepFreeze(run.state);
    const input = run.state;

    act(run);

    expect(input).toEqual(before);
    expect(run.state).not.toBe(input);
  });

  it('returns the same decision for the same state, event and context', () => {
    const definition = orderSaga({ timeout: 60_000 });
    const ctx = () => ({ now: T0, newId: () => 'fixed-id', random: () => 0.5 });
    const started = startSaga(definition, START, ctx());
    const event = { type: 'reply' as const, reply: successReply(onlyCommand(started), OUTPUTS.reserve) };

    expect(decide(definition, started.state, event, ctx())).toEqual(
      decide(definition, started.state, event, ctx()),
    );
  });
});
