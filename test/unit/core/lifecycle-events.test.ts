import { type LifecycleEvent, lifecycleEventSchema } from 'saga-orchestrator-sdk/contracts';
import type { LifecycleEvents, SagaDefinition } from '../../../src/core/definition/types';
import { lifecycleEventEffects, publishedAs } from '../../../src/core/decision/lifecycle-events';
import type { Decision, Effect } from '../../../src/core/effects';
import { type SagaEvent, SagaEventType } from '../../../src/core/events';
import { definitionOf, plainStep, step } from './definitions';
import { FATAL, OUTPUTS, SagaRun, T0, at, commandsOf, orderSaga } from './fixtures';

type PublishEvent = Extract<Effect, { type: 'publish-event' }>;

function publishedOf(decision: Decision): LifecycleEvent[] {
  return decision.effects
    .filter((effect): effect is PublishEvent => effect.type === 'publish-event')
    .map((effect) => effect.event);
}

function typesAndStatuses(run: SagaRun): string[] {
  return run.decisions.flatMap(publishedOf).map((event) => `${event.type} ${event.status}`);
}

function selecting(definition: SagaDefinition, events: LifecycleEvents): SagaDefinition {
  return { ...definition, lifecycleEvents: events };
}

/** The order saga run to COMPLETED, one step a second. */
function completedOrder(events: LifecycleEvents): SagaRun {
  const run = new SagaRun(selecting(orderSaga(), events));
  run.start({ trace: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
  for (const name of ['reserve', 'charge', 'ship'] as const) {
    run.clock.advance(1_000);
    run.complete(name, OUTPUTS[name]);
  }
  return run;
}

/** The order saga whose shipment fails for good after two steps succeeded, compensated to the end. */
function compensatedOrder(events: LifecycleEvents): SagaRun {
  const run = new SagaRun(selecting(orderSaga(), events));
  run.start();
  run.complete('reserve', OUTPUTS.reserve);
  run.complete('charge', OUTPUTS.charge);
  run.fail(run.lastCommand, FATAL);
  run.succeed(run.lastCommand);
  run.succeed(run.lastCommand);
  return run;
}

describe('lifecycle events', () => {
  it('publishes, with events: all, the start, each step and the end of a completed saga, each with the status after its decision', () => {
    const run = completedOrder('all');

    expect(run.state.status).toBe('COMPLETED');
    expect(typesAndStatuses(run)).toEqual([
      'SagaStarted RUNNING',
      'StepSucceeded RUNNING',
      'StepSucceeded RUNNING',
      'StepSucceeded COMPLETED',
      'SagaCompleted COMPLETED',
    ]);
  });

  it('builds each event from its log event: id, saga, correlation, step, output, timestamp and trace headers', () => {
    const run = completedOrder('all');
    const charged = run.decisions[2]!;
    const [effect] = charged.effects.filter((e): e is PublishEvent => e.type === 'publish-event');
    const charge = commandsOf(charged)[0]!;

    expect(effect).toEqual({
      type: 'publish-event',
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      event: {
        event_id: expect.any(String),
        type: 'StepSucceeded',
        saga: { id: 'saga-1', name: 'order-fulfillment', version: 1 },
        correlation_id: 'corr-1',
        status: 'RUNNING',
        step: 'charge',
        output: OUTPUTS.charge,
        timestamp: at(2_000),
      },
    });
    // The id is drawn after the decision's commands: they keep the ids they had before events existed.
    expect(Number(effect!.event.event_id.replace('msg-', ''))).toBeGreaterThan(
      Number(charge.message_id.replace('msg-', '')),
    );
    expect(lifecycleEventSchema.parse(effect!.event)).toEqual(effect!.event);
  });

  it('gives every event an id of its own, none shared with a command', () => {
    const run = completedOrder('all');
    const eventIds = run.decisions.flatMap(publishedOf).map((event) => event.event_id);
    const commandIds = run.sent.map((command) => command.message_id);

    expect(new Set(eventIds).size).toBe(eventIds.length);
    expect(eventIds.filter((id) => commandIds.includes(id))).toEqual([]);
  });

  it('publishes, with events: all, the failed step with its error, the start of compensation and the end of a compensated saga', () => {
    const run = compensatedOrder('all');
    const events = run.decisions.flatMap(publishedOf);

    expect(run.state.status).toBe('COMPENSATED');
    expect(typesAndStatuses(run)).toEqual([
      'SagaStarted RUNNING',
      'StepSucceeded RUNNING',
      'StepSucceeded RUNNING',
      'StepFailed COMPENSATING',
      'SagaCompensating COMPENSATING',
      'SagaCompensated COMPENSATED',
    ]);
    expect(events[3]).toMatchObject({ step: 'ship', error: FATAL });
    expect(events[4]).toMatchObject({ step: 'ship' });
    expect(events[4]).not.toHaveProperty('error');
    expect(events[5]).not.toHaveProperty('step');
  });

  it('publishes with events: terminal only what ends the saga', () => {
    expect(typesAndStatuses(completedOrder('terminal'))).toEqual(['SagaCompleted COMPLETED']);
    expect(typesAndStatuses(compensatedOrder('terminal'))).toEqual(['SagaCompensated COMPENSATED']);
  });

  it('publishes nothing with events: none', () => {
    expect(typesAndStatuses(completedOrder('none'))).toEqual([]);
    expect(typesAndStatuses(compensatedOrder('none'))).toEqual([]);
  });

  it('lists every compensation failure with SagaCompensationFailed', () => {
    const run = new SagaRun(
      selecting(orderSaga({ steps: { charge: { compensationRetry: { attempts: 1 } } } }), 'terminal'),
    );
    run.start();
    run.complete('reserve');
    run.complete('charge');
    run.fail(run.lastCommand, FATAL);
    const refund = run.lastCommand;
    run.clock.advance(500);
    const failed = run.fail(refund, FATAL);

    expect(run.state.status).toBe('COMPENSATION_FAILED');
    expect(publishedOf(failed)).toEqual([
      expect.objectContaining({
        type: 'SagaCompensationFailed',
        status: 'COMPENSATION_FAILED',
        errors: [{ step: 'charge', error: FATAL, at: at(500) }],
      }),
    ]);
  });

  it('publishes a skipped step with events: all', () => {
    const definition = definitionOf(
      [step('quote'), step('customs', { when: { equals: ['${input.country}', 'CH'] } }), step('ship')],
      { events: 'all' },
    );
    const run = new SagaRun(definition);
    run.start({ input: { country: 'FR' } });
    const quoted = run.complete('quote');

    expect(publishedOf(quoted).map((event) => `${event.type} ${event.step}`)).toEqual([
      'StepSucceeded quote',
      'StepSkipped customs',
    ]);
  });

  it('publishes a suspension with events: terminal, naming the step and its error, because it needs a person', () => {
    const definition = definitionOf(
      [
        step('hold'),
        plainStep('charge', { type: 'pivot' }),
        plainStep('notify', { type: 'retriable', retry: { attempts: 1 } }),
      ],
      { events: 'terminal' },
    );
    const run = new SagaRun(definition);
    run.start();
    run.complete('hold');
    run.complete('charge');
    const suspended = run.fail(run.lastCommand, FATAL);

    expect(run.state.status).toBe('SUSPENDED');
    expect(publishedOf(suspended)).toEqual([
      expect.objectContaining({ type: 'SagaSuspended', status: 'SUSPENDED', step: 'notify', error: FATAL }),
    ]);
  });

  it('publishes nothing when a saga is set aside: its definition, and so its selection, cannot be had', () => {
    const run = new SagaRun(selecting(orderSaga(), 'all'));
    run.start();

    expect(publishedOf(run.setAside())).toEqual([]);
  });

  it('publishes nothing for a decision that changed nothing', () => {
    const run = completedOrder('all');
    const late = run.succeed(run.sent[0]!, {}, 'late-duplicate');

    expect(late.changed).toBe(false);
    expect(publishedOf(late)).toEqual([]);
  });

  describe('the log events that publish', () => {
    it.each<[SagaEventType, string | null]>([
      [SagaEventType.sagaStarted, 'SagaStarted'],
      [SagaEventType.stepSucceeded, 'StepSucceeded'],
      [SagaEventType.stepCompletedByOperator, 'StepSucceeded'],
      [SagaEventType.stepFailed, 'StepFailed'],
      [SagaEventType.stepSkipped, 'StepSkipped'],
      [SagaEventType.compensationStarted, 'SagaCompensating'],
      [SagaEventType.sagaSuspended, 'SagaSuspended'],
      [SagaEventType.sagaCompleted, 'SagaCompleted'],
      [SagaEventType.sagaCompensated, 'SagaCompensated'],
      [SagaEventType.sagaCompensationFailed, 'SagaCompensationFailed'],
      [SagaEventType.commandSent, null],
      [SagaEventType.stepAttemptFailed, null],
      [SagaEventType.stepAttemptTimedOut, null],
      [SagaEventType.compensationSucceeded, null],
      [SagaEventType.compensationAttemptFailed, null],
      [SagaEventType.compensationAttemptTimedOut, null],
      [SagaEventType.compensationFailed, null],
      [SagaEventType.compensationCompletedByOperator, null],
      [SagaEventType.sagaDeadlinePassed, null],
      [SagaEventType.replyIgnored, null],
      [SagaEventType.sagaRetried, null],
      [SagaEventType.sagaAborted, null],
      [SagaEventType.attemptExtended, null],
      [SagaEventType.sagaResumed, null],
      [SagaEventType.sagaMigrated, null],
    ])('%s → %s', (logType, published) => {
      expect(publishedAs[logType]).toBe(published);
    });

    it('lists every log event type', () => {
      expect(Object.keys(publishedAs).sort()).toEqual(Object.values(SagaEventType).sort());
    });

    it("publishes an operator's completion as StepSucceeded with the output the operator gave", () => {
      const run = new SagaRun(selecting(orderSaga(), 'all'));
      run.start();
      const output = { reservationId: 'by-hand' };
      const logEvents: SagaEvent[] = [
        {
          type: SagaEventType.stepCompletedByOperator,
          at: T0.toISOString(),
          step: 'reserve',
          data: { output, reason: 'reserved by phone', actor: null },
        },
        {
          type: SagaEventType.compensationCompletedByOperator,
          at: T0.toISOString(),
          step: 'reserve',
          data: { reason: 'released by phone', actor: null },
        },
      ];
      const effects = lifecycleEventEffects('all', run.state, logEvents, () => 'event-1');

      expect(effects).toEqual([
        {
          type: 'publish-event',
          headers: {},
          event: {
            event_id: 'event-1',
            type: 'StepSucceeded',
            saga: { id: 'saga-1', name: 'order-fulfillment', version: 1 },
            correlation_id: 'corr-1',
            status: 'RUNNING',
            step: 'reserve',
            output,
            timestamp: T0.toISOString(),
          },
        },
      ]);
    });
  });
});
