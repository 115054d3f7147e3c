import type { CommandKind } from 'saga-orchestrator-sdk/contracts';
import {
  BusinessError,
  type CommandHandler,
  type Participant,
  createParticipant,
} from 'saga-orchestrator-sdk';
import type { SeededRandom } from './random';

export interface Delivery {
  sagaId: string;
  step: string;
  kind: CommandKind;
  type: string;
  attempt: number;
  messageId: string;
  idempotencyKey: string;
  at: number;
}

/**
 * The example saga's three participants, written with the SDK: they answer after a short random delay (up to
 * `maxDelayMs`, drawn from `random`), fail shipping for orders named `fail-…`, and record every delivery so
 * invariants can be counted.
 */
export class RecordingParticipants {
  readonly deliveries: Delivery[] = [];
  private readonly participants: Participant[];

  constructor(amqpUrl: string, random: SeededRandom, maxDelayMs = 40) {
    const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const record =
      (type: string, output: Record<string, string>): CommandHandler =>
      async (payload, ctx) => {
        this.deliveries.push({
          sagaId: ctx.sagaId,
          step: ctx.step,
          kind: ctx.kind,
          type,
          attempt: ctx.attempt,
          messageId: ctx.messageId,
          idempotencyKey: ctx.idempotencyKey,
          at: Date.now(),
        });
        await new Promise((resolve) => setTimeout(resolve, random.between(0, maxDelayMs)));
        if (type === 'ScheduleShipment' && String(payload.orderId).startsWith('fail-')) {
          throw new BusinessError('NO_CARRIER', 'no carrier for this order');
        }
        return output;
      };
    const make = (participant: string, handlers: Record<string, CommandHandler>) =>
      createParticipant({ url: amqpUrl, participant, handlers, prefetch: 32, logger: silent });
    this.participants = [
      make('inventory', {
        ReserveInventory: record('ReserveInventory', { reservationId: 'r' }),
        ReleaseInventory: record('ReleaseInventory', {}),
      }),
      make('payments', {
        ChargePayment: record('ChargePayment', { paymentId: 'p' }),
        RefundPayment: record('RefundPayment', {}),
      }),
      make('shipping', { ScheduleShipment: record('ScheduleShipment', { trackingId: 't' }) }),
    ];
  }

  start(): Promise<unknown> {
    return Promise.all(this.participants.map((p) => p.start()));
  }

  stop(): Promise<unknown> {
    return Promise.all(this.participants.map((p) => p.stop()));
  }
}
