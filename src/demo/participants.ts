import { orderParticipants } from './order-participants';
import { type Print, printLine } from './participant-kit';
import { tripParticipants } from './trip-participants';

/** The participants of `sagas/order-fulfillment.yaml` and `sagas/trip-booking.yaml`, each printing what it does. */
export interface ExampleParticipants {
  stop(): Promise<void>;
}

export async function startExampleParticipants(
  url: string,
  print: Print = printLine,
): Promise<ExampleParticipants> {
  const participants = [...orderParticipants(url, print), ...tripParticipants(url, print)];
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
