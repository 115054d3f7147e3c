import { BusinessError, type Participant } from 'saga-orchestrator-sdk';
import { IdempotentIds, type Print, outputField, participant, str } from './participant-kit';
import type { ParticipantBroker } from '../app/engine-environment';

/** The participants of `sagas/order-fulfillment.yaml`; shipping refuses orders named `fail-…`. */
export function orderParticipants(broker: ParticipantBroker, print: Print): Participant[] {
  return [inventory(broker, print), payments(broker, print), shipping(broker, print)];
}

function inventory(broker: ParticipantBroker, print: Print): Participant {
  const say = (line: string) => print(`[inventory] ${line}`);
  const reserved = new IdempotentIds('r');
  return participant(broker, 'inventory', print, {
    ReserveInventory: (payload, ctx) => {
      const reservationId = reserved.for(ctx.idempotencyKey);
      say(`ReserveInventory order ${str(payload.orderId)} → reservation ${reservationId}`);
      return { reservationId };
    },
    ReleaseInventory: (payload) => {
      const reservationId = outputField(payload, 'reservationId');
      say(
        reservationId === undefined
          ? `ReleaseInventory order ${str(payload.orderId)} (nothing was reserved)`
          : `ReleaseInventory order ${str(payload.orderId)} (reservation ${reservationId})`,
      );
    },
  });
}

function payments(broker: ParticipantBroker, print: Print): Participant {
  const say = (line: string) => print(`[payments] ${line}`);
  const charged = new IdempotentIds('p');
  return participant(broker, 'payments', print, {
    ChargePayment: (payload, ctx) => {
      const paymentId = charged.for(ctx.idempotencyKey);
      say(
        `ChargePayment order ${str(payload.orderId)}, amount ${str(payload.amount)} → payment ${paymentId}`,
      );
      return { paymentId };
    },
    RefundPayment: (payload) => {
      const paymentId = outputField(payload, 'paymentId');
      say(
        paymentId === undefined
          ? `RefundPayment order ${str(payload.orderId)} (nothing was charged)`
          : `RefundPayment order ${str(payload.orderId)} (payment ${paymentId})`,
      );
    },
  });
}

function shipping(broker: ParticipantBroker, print: Print): Participant {
  const say = (line: string) => print(`[shipping] ${line}`);
  const scheduled = new IdempotentIds('t');
  return participant(broker, 'shipping', print, {
    ScheduleShipment: (payload, ctx) => {
      const orderId = str(payload.orderId);
      if (orderId.startsWith('fail-')) {
        say(`ScheduleShipment order ${orderId} → NO_CARRIER (no carrier available)`);
        throw new BusinessError('NO_CARRIER', `no carrier can ship order ${orderId}`);
      }
      const trackingId = scheduled.for(ctx.idempotencyKey);
      say(`ScheduleShipment order ${orderId} → tracking ${trackingId}`);
      return { trackingId };
    },
  });
}
