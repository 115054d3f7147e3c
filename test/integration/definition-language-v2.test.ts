import type { Command } from 'saga-orchestrator-sdk/contracts';
import { type ScriptedAnswer, ScriptedParticipant } from '../support/scripted-participant';
import { type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';

/** A trip: hold a seat, book flight, hotel (when asked for) and car at once, charge the card (pivot), notify. */
const tripYaml = `
name: trip
version: 1
input:
  type: object
  required: [tripId, needsHotel]
  properties:
    tripId: { type: string }
    needsHotel: { type: boolean }
steps:
  - name: hold-seat
    participant: seats
    action: HoldSeat
    compensation: ReleaseSeat
    payload: { tripId: "\${input.tripId}" }
  - parallel:
      name: book-travel
      compensation: parallel
      steps:
        - name: book-flight
          participant: airline
          action: BookFlight
          compensation: CancelFlight
          compensationRetry: { attempts: 1 }
          payload: { tripId: "\${input.tripId}", seat: "\${steps.hold-seat.output.seat}" }
        - name: book-hotel
          participant: hotel
          action: BookHotel
          compensation: CancelHotel
          compensationRetry: { attempts: 1 }
          when: { equals: ["\${input.needsHotel}", true] }
          payload: { tripId: "\${input.tripId}" }
        - name: book-car
          participant: cars
          action: BookCar
          compensation: CancelCar
          payload: { tripId: "\${input.tripId}" }
  - name: charge-card
    participant: billing
    action: ChargeCard
    type: pivot
    payload:
      tripId: "\${input.tripId}"
      flight: "\${steps.book-flight.output.id}"
      hotel: "\${steps.book-hotel.output}"
  - name: send-itinerary
    participant: notifier
    action: SendItinerary
    type: retriable
    retry: { attempts: 2, backoff: 50ms }
    payload: { tripId: "\${input.tripId}", email: "\${input.tripId}@example.com" }
`;

type Behaviour = (command: Command) => ScriptedAnswer;
const succeed: Behaviour = (command) => ({ outcome: 'success', output: { id: `${command.type}-1` } });
const failFor =
  (code: string): Behaviour =>
  () => ({ outcome: 'failure', code, retryable: false });

/** Each trip id picks how the participants answer, so one engine serves every scenario. */
const scenarios: Record<string, Partial<Record<string, Behaviour>>> = {
  'member-fails': {
    BookCar: failFor('NO_CARS'),
    CancelFlight: failFor('FLIGHT_LOCKED'),
    CancelHotel: failFor('HOTEL_CLOSED'),
  },
  'needs-operator': {
    SendItinerary: (command) =>
      command.payload.email === 'ops@example.com'
        ? { outcome: 'success', output: { sent: true } }
        : { outcome: 'failure', code: 'MAILBOX_FULL', retryable: false },
  },
};
const participants = ['seats', 'airline', 'hotel', 'cars', 'billing', 'notifier'];

describe('definition language v2 over real PostgreSQL and RabbitMQ', () => {
  let engine: TestEngine;
  let scripted: ScriptedParticipant[] = [];

  beforeAll(async () => {
    engine = await startTestEngine({ sagas: { 'trip.yaml': tripYaml } });
    scripted = participants.map(
      (name) =>
        new ScriptedParticipant(engine.amqpUrl, name, (command) => {
          const behaviour = scenarios[command.payload.tripId as string]?.[command.type] ?? succeed;
          return behaviour(command);
        }),
    );
    await Promise.all(scripted.map((participant) => participant.start()));
  });

  afterAll(async () => {
    await Promise.all(scripted.map((participant) => participant.stop()));
    await engine?.stop();
  });

  async function startTrip(tripId: string, needsHotel: boolean): Promise<string> {
    const response = await engine.request('POST', '/api/sagas', {
      name: 'trip',
      input: { tripId, needsHotel },
    });
    expect(response.status).toBe(201);
    return response.body.id as string;
  }

  async function sagaIn(id: string, statuses: string[]) {
    return waitFor(`saga ${id} to be ${statuses.join(' or ')}`, async () => {
      const { body } = await engine.request('GET', `/api/sagas/${id}`);
      return statuses.includes(body.status) ? body : undefined;
    });
  }

  function commandsOf(sagaId: string): Command[] {
    return scripted
      .flatMap((participant) => participant.commands({ sagaId }))
      .sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  }

  const stepStatuses = (saga: { steps: { name: string; status: string }[] }) =>
    Object.fromEntries(saga.steps.map((step) => [step.name, step.status]));

  it('starts every member of a group at once and goes on once all of them succeeded', async () => {
    const id = await startTrip('all-good', true);
    const saga = await sagaIn(id, ['COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED', 'SUSPENDED']);

    expect(saga.status).toBe('COMPLETED');
    expect(stepStatuses(saga)).toEqual({
      'hold-seat': 'SUCCEEDED',
      'book-flight': 'SUCCEEDED',
      'book-hotel': 'SUCCEEDED',
      'book-car': 'SUCCEEDED',
      'charge-card': 'SUCCEEDED',
      'send-itinerary': 'SUCCEEDED',
    });
    const commands = commandsOf(id);
    const members = commands.filter((command) =>
      ['BookFlight', 'BookHotel', 'BookCar'].includes(command.type),
    );
    expect(members).toHaveLength(3);
    // The three commands were sent by one decision: they share its causation (the seat's reply) and timestamp.
    expect(new Set(members.map((command) => command.causation_id)).size).toBe(1);
    expect(new Set(members.map((command) => command.timestamp)).size).toBe(1);
    expect(commands.map((command) => command.type).slice(-2)).toEqual(['ChargeCard', 'SendItinerary']);
    const charge = commands.find((command) => command.type === 'ChargeCard');
    expect(charge?.payload).toEqual({
      tripId: 'all-good',
      flight: 'BookFlight-1',
      hotel: { id: 'BookHotel-1' },
    });
  });

  it('skips a step whose condition does not hold: no command, SKIPPED, its output reads as null', async () => {
    const id = await startTrip('no-hotel', false);
    const saga = await sagaIn(id, ['COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED', 'SUSPENDED']);

    expect(saga.status).toBe('COMPLETED');
    expect(stepStatuses(saga)['book-hotel']).toBe('SKIPPED');
    const commands = commandsOf(id);
    expect(commands.some((command) => command.step === 'book-hotel')).toBe(false);
    expect(commands.find((command) => command.type === 'ChargeCard')?.payload.hotel).toBeNull();
    const { body } = await engine.request('GET', `/api/sagas/${id}/events`);
    expect(body.items.filter((event: { type: string }) => event.type === 'StepSkipped')).toEqual([
      expect.objectContaining({ step: 'book-hotel' }),
    ]);
  });

  it('compensates the group members at once when one fails, and reports every compensation that failed', async () => {
    const id = await startTrip('member-fails', true);
    const saga = await sagaIn(id, ['COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED', 'SUSPENDED']);

    expect(saga.status).toBe('COMPENSATION_FAILED');
    expect(stepStatuses(saga)).toMatchObject({
      'hold-seat': 'SUCCEEDED',
      'book-flight': 'SUCCEEDED',
      'book-hotel': 'SUCCEEDED',
      'book-car': 'FAILED',
      'charge-card': 'PENDING',
    });
    const compensationErrors = saga.errors.map((failure: { step: string; error: { code: string } }) => [
      failure.step,
      failure.error.code,
    ]);
    expect(compensationErrors.sort()).toEqual([
      ['book-flight', 'FLIGHT_LOCKED'],
      ['book-hotel', 'HOTEL_CLOSED'],
    ]);
    const compensations = commandsOf(id).filter((command) => command.kind === 'compensation');
    // Both sent by one decision; the seat, before the group, stays held for an operator.
    expect(compensations.map((command) => command.type).sort()).toEqual(['CancelFlight', 'CancelHotel']);
    expect(new Set(compensations.map((command) => command.timestamp)).size).toBe(1);

    const { body: stats } = await engine.request('GET', '/api/stats?name=trip');
    const flight = stats.steps.find((row: { step: string }) => row.step === 'book-flight');
    expect(flight.compensationFailed).toBeGreaterThanOrEqual(1);
  });

  it('suspends past the pivot when a retriable step fails for good, and goes on after an operator retry', async () => {
    const id = await startTrip('needs-operator', false);
    const suspended = await sagaIn(id, ['COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED', 'SUSPENDED']);

    expect(suspended.status).toBe('SUSPENDED');
    expect(suspended.suspension).toMatchObject({ step: 'send-itinerary' });
    const itinerary = suspended.steps.find((step: { name: string }) => step.name === 'send-itinerary');
    expect(itinerary.history).toEqual([
      expect.objectContaining({
        attempt: 1,
        outcome: 'failure',
        error: expect.objectContaining({ code: 'MAILBOX_FULL' }),
      }),
    ]);
    expect(stepStatuses(suspended)['charge-card']).toBe('SUCCEEDED');
    expect(commandsOf(id).filter((command) => command.kind === 'compensation')).toEqual([]);
    const listed = await engine.request('GET', '/api/sagas?status=SUSPENDED&name=trip');
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(id);

    const abort = await engine.request('POST', `/api/sagas/${id}/abort`, { reason: 'give up' });
    expect(abort.status).toBe(409);
    const badRetry = await engine.request('POST', `/api/sagas/${id}/retry`, { payload: [1] });
    expect(badRetry.status).toBe(400);
    expect(badRetry.body.details).toEqual([expect.objectContaining({ path: 'payload' })]);
    let deep: Record<string, unknown> = {};
    for (let level = 0; level < 40; level++) deep = { deeper: deep };
    const refusedPayloads: Array<[unknown, string]> = [
      [{ output: { forged: true } }, 'payload.output'],
      [{ email: 'a\u0000b' }, 'payload'],
      [deep, 'payload'],
    ];
    for (const [payload, path] of refusedPayloads) {
      const refused = await engine.request('POST', `/api/sagas/${id}/retry`, { payload });
      expect(refused.status).toBe(400);
      expect(refused.body.details).toEqual([expect.objectContaining({ path })]);
    }
    expect((await engine.request('GET', `/api/sagas/${id}`)).body.status).toBe('SUSPENDED');

    const retry = await engine.request('POST', `/api/sagas/${id}/retry`, {
      payload: { tripId: 'needs-operator', email: 'ops@example.com' },
    });
    expect(retry.status).toBe(202);
    const saga = await sagaIn(id, ['COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED']);

    expect(saga.status).toBe('COMPLETED');
    expect(saga.suspension).toBeNull();
    const sends = commandsOf(id).filter((command) => command.type === 'SendItinerary');
    expect(sends.map((command) => [command.attempt, command.payload.email])).toEqual([
      [1, 'needs-operator@example.com'],
      [2, 'ops@example.com'],
    ]);
    const again = await engine.request('POST', `/api/sagas/${id}/retry`);
    expect(again.status).toBe(409);
  });
});
