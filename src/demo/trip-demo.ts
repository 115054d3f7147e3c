import { SagaStatus, isTerminal } from '../core/status';
import type { JsonObject } from 'saga-orchestrator-sdk';
import type { DemoApi, SagaView } from './demo-api';
import {
  type DemoResult,
  type Expectation,
  isSettled,
  printOutcome,
  readOutcome,
  sagaWaitMs,
  unexpected,
} from './saga-outcome';

interface TripInput extends JsonObject {
  tripId: string;
  traveller: string;
  email: string;
  destination: string;
  needsHotel: boolean;
  amount: number;
}

/** The saga suspends at `step` first; the demo retries it with a corrected `email`, and it goes on. */
interface Resumption {
  step: string;
  email: string;
}

interface Trip {
  input: TripInput;
  resume?: Resumption;
  expected: Expectation;
}

const trips: Trip[] = [
  {
    input: {
      tripId: 't-1',
      traveller: 'Ada',
      email: 'ada@example.com',
      destination: 'Lisbon',
      needsHotel: false,
      amount: 320,
    },
    expected: {
      status: SagaStatus.completed,
      compensations: [],
      steps: { 'book-hotel': 'SKIPPED', 'send-itinerary': 'SUCCEEDED' },
    },
  },
  {
    // The hotel in Venice is fully booked (trip-participants.ts): the flight booked beside it is cancelled.
    input: {
      tripId: 't-2',
      traveller: 'Alan',
      email: 'alan@example.com',
      destination: 'Venice',
      needsHotel: true,
      amount: 540,
    },
    expected: {
      status: SagaStatus.compensated,
      compensations: ['CancelFlight'],
      steps: { 'book-hotel': 'FAILED', 'charge-card': 'PENDING' },
    },
  },
  {
    // The notifier refuses an address without '@': past the pivot, the saga waits for an operator.
    input: {
      tripId: 't-3',
      traveller: 'Grace',
      email: 'grace.example.com',
      destination: 'Oslo',
      needsHotel: true,
      amount: 610,
    },
    resume: { step: 'send-itinerary', email: 'grace@example.com' },
    expected: {
      status: SagaStatus.completed,
      compensations: [],
      steps: { 'book-hotel': 'SUCCEEDED', 'send-itinerary': 'SUCCEEDED' },
    },
  },
];

/**
 * Three `trip-booking` sagas: one without a hotel completes, one whose hotel is fully booked cancels its flight,
 * and one whose itinerary cannot be sent is suspended after the pivot, then retried with a new payload.
 */
export async function runTripDemo(api: DemoApi): Promise<DemoResult> {
  console.log(`Starting ${trips.length} trip-booking sagas\n`);
  const started = await Promise.all(
    trips.map(async (trip) => ({ trip, id: await api.startSaga('trip-booking', trip.input) })),
  );
  const compensationOf = await api.compensationCommands('trip-booking');
  const deadline = Date.now() + sagaWaitMs;
  const settled = await Promise.all(started.map(({ id }) => api.waitFor(id, isSettled, deadline)));

  const problems: string[] = [];
  const finished: SagaView[] = [];
  for (const [index, { trip }] of started.entries()) {
    const saga = settled[index]!;
    finished.push(
      trip.resume === undefined ? saga : await resume(api, trip.input, trip.resume, saga, problems),
    );
  }
  const outcomes = await Promise.all(
    finished.map((saga, index) =>
      readOutcome(api, `trip ${trips[index]!.input.tripId}`, saga, compensationOf),
    ),
  );

  console.log('');
  outcomes.forEach((outcome) => printOutcome(outcome));
  console.log('');
  return {
    problems: [
      ...problems,
      ...outcomes.flatMap((outcome, index) => unexpected(outcome, trips[index]!.expected)),
    ],
    summary:
      't-1 COMPLETED (book-hotel SKIPPED); t-2 COMPENSATED (hotel full, flight cancelled); ' +
      't-3 SUSPENDED at send-itinerary, then COMPLETED after a retry with a new email',
  };
}

/** Checks that the saga is suspended where expected, then retries it with the corrected email. */
async function resume(
  api: DemoApi,
  input: TripInput,
  { step, email }: Resumption,
  saga: SagaView,
  problems: string[],
): Promise<SagaView> {
  const label = `trip ${input.tripId}`;
  if (saga.status !== SagaStatus.suspended || saga.suspension?.step !== step) {
    problems.push(`${label}: expected SUSPENDED at ${step}, found ${saga.status}`);
    return saga;
  }
  const error = saga.steps.find((candidate) => candidate.name === step)?.error;
  console.log(
    `\nSaga ${saga.id}  ${label}  →  SUSPENDED at ${step}: ${saga.suspension.reason}` +
      `${error ? ` (${error.code})` : ''}\n` +
      `  POST /api/sagas/${saga.id}/retry with the itinerary sent to ${email}\n`,
  );
  await api.retry(saga.id, itineraryPayload(input, saga, email));
  return api.waitFor(saga.id, (status) => isTerminal(status as SagaStatus), Date.now() + sagaWaitMs);
}

/**
 * The retry's payload replaces the step's payload as a whole: it is built as `sagas/trip-booking.yaml` builds
 * send-itinerary's, from the input and the earlier steps' outputs, with the corrected address.
 */
function itineraryPayload(input: TripInput, saga: SagaView, email: string): JsonObject {
  const output = (step: string, field: string) =>
    saga.steps.find((candidate) => candidate.name === step)?.output?.[field] ?? null;
  return {
    tripId: input.tripId,
    email,
    flightBookingId: output('book-flight', 'bookingId'),
    hotelBookingId: output('book-hotel', 'bookingId'),
    chargeId: output('charge-card', 'chargeId'),
  };
}
