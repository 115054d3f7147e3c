import { BusinessError, type Participant } from 'saga-orchestrator-sdk';
import { IdempotentIds, type Print, outputField, participant, str } from './participant-kit';
import type { ParticipantBroker } from '../app/engine-environment';

/** Cities whose hotels have no room left: booking a hotel there fails for good. */
export const fullyBookedCities: readonly string[] = ['Venice'];

/**
 * The participants of `sagas/trip-booking.yaml`. The hotel refuses the cities in `fullyBookedCities`; the notifier
 * refuses an email address without `@`.
 */
export function tripParticipants(broker: ParticipantBroker, print: Print): Participant[] {
  return [airline(broker, print), hotel(broker, print), billing(broker, print), notifier(broker, print)];
}

function airline(broker: ParticipantBroker, print: Print): Participant {
  const say = (line: string) => print(`[airline] ${line}`);
  const booked = new IdempotentIds('f');
  return participant(broker, 'airline', print, {
    BookFlight: (payload, ctx) => {
      const bookingId = booked.for(ctx.idempotencyKey);
      say(`BookFlight trip ${str(payload.tripId)} to ${str(payload.destination)} → booking ${bookingId}`);
      return { bookingId };
    },
    CancelFlight: (payload) => {
      const bookingId = outputField(payload, 'bookingId');
      say(
        bookingId === undefined
          ? `CancelFlight trip ${str(payload.tripId)} (nothing was booked)`
          : `CancelFlight trip ${str(payload.tripId)} (booking ${bookingId})`,
      );
    },
  });
}

function hotel(broker: ParticipantBroker, print: Print): Participant {
  const say = (line: string) => print(`[hotel] ${line}`);
  const booked = new IdempotentIds('h');
  return participant(broker, 'hotel', print, {
    BookHotel: (payload, ctx) => {
      const city = str(payload.city);
      if (fullyBookedCities.includes(city)) {
        say(`BookHotel trip ${str(payload.tripId)} in ${city} → NO_ROOMS (fully booked)`);
        throw new BusinessError('NO_ROOMS', `no room left in ${city}`);
      }
      const bookingId = booked.for(ctx.idempotencyKey);
      say(`BookHotel trip ${str(payload.tripId)} in ${city} → booking ${bookingId}`);
      return { bookingId };
    },
    CancelHotel: (payload) => {
      const bookingId = outputField(payload, 'bookingId');
      say(
        bookingId === undefined
          ? `CancelHotel trip ${str(payload.tripId)} (nothing was booked)`
          : `CancelHotel trip ${str(payload.tripId)} (booking ${bookingId})`,
      );
    },
  });
}

function billing(broker: ParticipantBroker, print: Print): Participant {
  const say = (line: string) => print(`[billing] ${line}`);
  const charged = new IdempotentIds('c');
  return participant(broker, 'billing', print, {
    ChargeCard: (payload, ctx) => {
      const chargeId = charged.for(ctx.idempotencyKey);
      const hotel = payload.hotelBookingId === null ? 'no hotel' : `hotel ${str(payload.hotelBookingId)}`;
      say(
        `ChargeCard trip ${str(payload.tripId)}, amount ${str(payload.amount)} ` +
          `(flight ${str(payload.flightBookingId)}, ${hotel}) → charge ${chargeId}`,
      );
      return { chargeId };
    },
  });
}

function notifier(broker: ParticipantBroker, print: Print): Participant {
  const say = (line: string) => print(`[notifier] ${line}`);
  return participant(broker, 'notifier', print, {
    SendItinerary: (payload, ctx) => {
      const email = str(payload.email);
      if (!email.includes('@')) {
        say(`SendItinerary trip ${str(payload.tripId)} to ${email} → INVALID_EMAIL (attempt ${ctx.attempt})`);
        throw new BusinessError('INVALID_EMAIL', `cannot send to ${JSON.stringify(email)}`);
      }
      say(`SendItinerary trip ${str(payload.tripId)} to ${email} (charge ${str(payload.chargeId)})`);
      return { sentTo: email };
    },
  });
}
