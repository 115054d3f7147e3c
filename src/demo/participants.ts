import { orderParticipants } from './order-participants';
import { type Print, printLine } from './participant-kit';
import { tripParticipants } from './trip-participants';
import type { ParticipantBroker } from '../app/engine-environment';

/** The participants of `sagas/order-fulfillment.yaml` and `sagas/trip-booking.yaml`, each printing what it does. */
export interface ExampleParticipants {
  stop(): Promise<void>;
}

export async function startExampleParticipants(
  broker: ParticipantBroker,
  print: Print = printLine,
): Promise<ExampleParticipants> {
  const participants = [...orderParticipants(broker, print), ...tripParticipants(broker, print)];
  try {
    await Promise.all(participants.map((participant) => participant.start()));
  } catch (error) {
    await Promise.all(participants.map((participant) => participant.stop()));
    throw error;
  }
  return {
    stop: async () => {
      await Promise.all(participants.map((participant) => participant.stop()));
    },
  };
}
