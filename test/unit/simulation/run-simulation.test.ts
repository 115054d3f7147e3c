import { TimelineEntryType } from '../../../src/simulation';
import { ORDER_FILE, ORDER_INPUT, fixture, simulate, stepStatuses, story } from './simulation-fixtures';

const TRIP_FILE = fixture('trip-booking.yaml');
const FOUR_STEPS_FILE = fixture('four-steps.yaml');
const { command, compensation, reply, retry, timeout } = TimelineEntryType;

describe('runSimulation on the example order saga', () => {
  it('completes at one virtual instant when every participant answers at once', () => {
    const result = simulate(ORDER_FILE, ORDER_INPUT);

    expect(result.status).toBe('COMPLETED');
    expect(story(result)).toEqual([
      '+0.000s start -: order-fulfillment@1 with input {"orderId":"o-1","amount":42.5}',
      '+0.000s command reserve-inventory: ReserveInventory #1 to inventory',
      '+0.000s reply reserve-inventory: ReserveInventory #1: success',
      '+0.000s command charge-payment: ChargePayment #1 to payments',
      '+0.000s reply charge-payment: ChargePayment #1: success',
      '+0.000s command schedule-shipment: ScheduleShipment #1 to shipping',
      '+0.000s reply schedule-shipment: ScheduleShipment #1: success',
      '+0.000s end -: COMPLETED',
    ]);
    expect(stepStatuses(result)).toEqual({
      'reserve-inventory': 'SUCCEEDED',
      'charge-payment': 'SUCCEEDED',
      'schedule-shipment': 'SUCCEEDED',
    });
  });

  it('retry:2 fails two attempts retryably, retries after each backoff, then succeeds', () => {
    const result = simulate(ORDER_FILE, ORDER_INPUT, ['charge-payment=retry:2']);

    expect(result.status).toBe('COMPLETED');
    expect(story(result, [command, reply, retry]).filter((line) => line.includes('charge-payment'))).toEqual([
      '+0.000s command charge-payment: ChargePayment #1 to payments',
      '+0.000s reply charge-payment: ChargePayment #1: failure SIMULATED_RETRYABLE_FAILURE (retryable)',
      '+0.000s retry charge-payment: ChargePayment #2 due at +1.000s (backoff 1s)',
      '+1.000s command charge-payment: ChargePayment #2 to payments',
      '+1.000s reply charge-payment: ChargePayment #2: failure SIMULATED_RETRYABLE_FAILURE (retryable)',
      '+1.000s retry charge-payment: ChargePayment #3 due at +3.000s (backoff 2s)',
      '+3.000s command charge-payment: ChargePayment #3 to payments',
      '+3.000s reply charge-payment: ChargePayment #3: success',
    ]);
    expect(result.steps.find((step) => step.name === 'charge-payment')?.attempts).toBe(3);
  });

  it('timeout:1 leaves the first attempt unanswered: the clock moves by the step timeout, then the retry backoff', () => {
    const result = simulate(ORDER_FILE, ORDER_INPUT, ['reserve-inventory=timeout:1']);

    expect(result.status).toBe('COMPLETED');
    expect(story(result, [command, reply, timeout, retry]).slice(0, 5)).toEqual([
      '+0.000s command reserve-inventory: ReserveInventory #1 to inventory',
      '+10.000s timeout reserve-inventory: ReserveInventory #1: no reply within 10s',
      '+10.000s retry reserve-inventory: ReserveInventory #2 due at +10.200s (backoff 200ms)',
      '+10.200s command reserve-inventory: ReserveInventory #2 to inventory',
      '+10.200s reply reserve-inventory: ReserveInventory #2: success',
    ]);
    expect(result.timeline.at(-1)?.atMs).toBe(10_200);
  });

  it('compensates the steps that ran, latest first, when the last step fails', () => {
    const result = simulate(ORDER_FILE, ORDER_INPUT, ['schedule-shipment=fail']);

    expect(result.status).toBe('COMPENSATED');
    expect(story(result, [compensation])).toEqual([
      '+0.000s compensation charge-payment: RefundPayment #1 to payments',
      '+0.000s compensation reserve-inventory: ReleaseInventory #1 to inventory',
    ]);
  });

  it('compensates a step whose outcome is unknown after its attempts all timed out', () => {
    const result = simulate(ORDER_FILE, ORDER_INPUT, ['reserve-inventory=timeout:3']);

    expect(result.status).toBe('COMPENSATED');
    expect(stepStatuses(result)['reserve-inventory']).toBe('UNKNOWN');
    expect(story(result, [TimelineEntryType.stepFailed, compensation])).toEqual([
      '+30.600s step-failed reserve-inventory: outcome unknown: TIMEOUT',
      '+30.600s compensation reserve-inventory: ReleaseInventory #1 to inventory',
    ]);
  });

  it('a compensation fault comp=fail ends the saga COMPENSATION_FAILED and leaves the earlier steps as they are', () => {
    const result = simulate(ORDER_FILE, ORDER_INPUT, ['schedule-shipment=fail', 'charge-payment:comp=fail']);

    expect(result.status).toBe('COMPENSATION_FAILED');
    expect(
      story(result, [compensation, TimelineEntryType.compensationFailed, TimelineEntryType.end]),
    ).toEqual([
      '+0.000s compensation charge-payment: RefundPayment #1 to payments',
      '+0.000s compensation-failed charge-payment: gave up: SIMULATED_FAILURE',
      '+0.000s end -: COMPENSATION_FAILED (charge-payment)',
    ]);
    expect(result.steps.find((step) => step.name === 'reserve-inventory')?.compensation).toBeNull();
  });

  it('comp=retry:N and comp=timeout:N retry the compensation per compensationRetry, then it succeeds', () => {
    const result = simulate(ORDER_FILE, ORDER_INPUT, [
      'schedule-shipment=fail',
      'charge-payment:comp=timeout:1',
      'reserve-inventory:comp=retry:2',
    ]);

    expect(result.status).toBe('COMPENSATED');
    const compensations = result.steps.map((step) => [step.name, step.compensation?.attempts ?? null]);
    expect(compensations).toEqual([
      ['reserve-inventory', 3],
      ['charge-payment', 2],
      ['schedule-shipment', null],
    ]);
    // The refund's first attempt times out after the step's default 30s, its retry comes 1s later.
    expect(story(result, [timeout])).toEqual([
      '+30.000s timeout charge-payment: RefundPayment #1: no reply within 30s',
    ]);
    expect(result.timeline.find((entry) => entry.type === compensation && entry.attempt === 2)?.at).toBe(
      '+31.000s',
    );
  });
});

describe('runSimulation on language v2', () => {
  it('fails a middle step: compensations of the steps before it run in reverse order', () => {
    const result = simulate(FOUR_STEPS_FILE, {}, ['third=fail']);

    expect(result.status).toBe('COMPENSATED');
    expect(story(result, [compensation])).toEqual([
      '+0.000s compensation second: UndoSecond #1 to two',
      '+0.000s compensation first: UndoFirst #1 to one',
    ]);
    expect(stepStatuses(result)).toEqual({
      first: 'SUCCEEDED',
      second: 'SUCCEEDED',
      third: 'FAILED',
      fourth: 'PENDING',
    });
  });

  it('starts the members of a parallel group at once and answers them in the order they were sent', () => {
    const result = simulate(TRIP_FILE, { tripId: 't-1', needsHotel: true });

    expect(result.status).toBe('COMPLETED');
    expect(story(result, [command, reply]).slice(2, 6)).toEqual([
      '+0.000s command book-flight: BookFlight #1 to airline',
      '+0.000s command book-hotel: BookHotel #1 to hotel',
      '+0.000s reply book-flight: BookFlight #1: success',
      '+0.000s reply book-hotel: BookHotel #1: success',
    ]);
  });

  it('undoes a parallel group at once when a member fails, then the steps before it', () => {
    const result = simulate(TRIP_FILE, { tripId: 't-1', needsHotel: true }, ['charge-card=fail']);

    expect(result.status).toBe('COMPENSATED');
    expect(story(result, [compensation, reply]).filter((line) => line.includes('compensation'))).toEqual([
      '+0.000s compensation book-hotel: CancelHotel #1 to hotel',
      '+0.000s compensation book-flight: CancelFlight #1 to airline',
      '+0.000s compensation hold-seat: ReleaseSeat #1 to airline',
    ]);
  });

  it('skips a step whose `when` does not hold, and never compensates it', () => {
    const result = simulate(TRIP_FILE, { tripId: 't-1', needsHotel: false }, ['book-flight=fail']);

    expect(story(result, [TimelineEntryType.skip])).toEqual([
      '+0.000s skip book-hotel: its condition does not hold',
    ]);
    expect(stepStatuses(result)['book-hotel']).toBe('SKIPPED');
    expect(result.status).toBe('COMPENSATED');
    expect(story(result, [compensation])).toEqual([
      '+0.000s compensation hold-seat: ReleaseSeat #1 to airline',
    ]);
  });

  it('suspends the saga when a retriable step after the pivot fails for good', () => {
    const result = simulate(TRIP_FILE, { tripId: 't-1', needsHotel: true }, ['send-itinerary=fail']);

    expect(result.status).toBe('SUSPENDED');
    expect(story(result).at(-1)).toBe(
      '+0.000s suspended send-itinerary: a retriable step gave up: SIMULATED_FAILURE',
    );
    expect(stepStatuses(result)).toMatchObject({ 'charge-card': 'SUCCEEDED', 'send-itinerary': 'FAILED' });
  });

  it('draws full jitter as 0.5: each jittered delay is half its computed delay', () => {
    const result = simulate(TRIP_FILE, { tripId: 't-1', needsHotel: true }, ['send-itinerary=retry:2']);

    expect(result.status).toBe('COMPLETED');
    expect(story(result, [retry])).toEqual([
      '+0.000s retry send-itinerary: SendItinerary #2 due at +0.500s (backoff 500ms)',
      '+0.500s retry send-itinerary: SendItinerary #3 due at +1.500s (backoff 1s)',
    ]);
  });

  it('stops after the decision cap when a fault outlasts unlimited attempts', () => {
    const result = simulate(
      TRIP_FILE,
      { tripId: 't-1', needsHotel: true },
      ['send-itinerary=retry:1000000'],
      {
        maxDecisions: 50,
      },
    );

    expect(result.status).toBe('RUNNING');
    const last = result.timeline.at(-1);
    expect(last?.type).toBe(TimelineEntryType.stopped);
    expect(last?.detail).toMatch(/^stopped after 50 decisions with the saga still RUNNING/);
  });

  it('gives the same timeline on every run', () => {
    const run = () => simulate(TRIP_FILE, { tripId: 't-1', needsHotel: true }, ['send-itinerary=retry:5']);

    expect(run()).toEqual(run());
  });
});
