import { randomUUID } from 'node:crypto';
import {
  BusinessError,
  type CommandHandler,
  type JsonObject,
  type Participant,
  type Logger,
  createParticipant,
} from '../sdk';

/** The three participants of `sagas/order-fulfillment.yaml`, each printing what it does. */
export interface ExampleParticipants {
  stop(): Promise<void>;
}

type Print = (line: string) => void;

const printLine: Print = (line) => process.stdout.write(`${line}\n`);

export async function startExampleParticipants(
  url: string,
  print: Print = printLine,
): Promise<ExampleParticipants> {
  const participants = [inventory(url, print), payments(url, print), shipping(url, print)];
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

function inventory(url: string, print: Print): Participant {
  const say = (line: string) => print(`[inventory] ${line}`);
  const reserved = new IdempotentIds('r');
  return participant(url, 'inventory', print, {
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

function payments(url: string, print: Print): Participant {
  const say = (line: string) => print(`[payments] ${line}`);
  const charged = new IdempotentIds('p');
  return participant(url, 'payments', print, {
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

function shipping(url: string, print: Print): Participant {
  const say = (line: string) => print(`[shipping] ${line}`);
  const scheduled = new IdempotentIds('t');
  return participant(url, 'shipping', print, {
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

function participant(
  url: string,
  name: string,
  print: Print,
  handlers: Record<string, CommandHandler>,
): Participant {
  return createParticipant({ url, participant: name, handlers, logger: printingLogger(name, print) });
}

/** Every attempt of a step carries the same idempotency key: a retry gets the id the first attempt made. */
class IdempotentIds {
  private readonly ids = new Map<string, string>();

  constructor(private readonly prefix: string) {}

  for(idempotencyKey: string): string {
    const id = this.ids.get(idempotencyKey) ?? `${this.prefix}-${randomUUID().slice(0, 8)}`;
    this.ids.set(idempotencyKey, id);
    return id;
  }
}

/** A compensation's payload carries the action's `output` (null when its outcome is unknown). */
function outputField(payload: JsonObject, field: string): string | undefined {
  const output = payload.output;
  if (typeof output !== 'object' || output === null || Array.isArray(output)) return undefined;
  const value = output[field];
  return value === undefined || value === null ? undefined : str(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Broker trouble and handler crashes, one readable line each; the handlers print the rest. */
function printingLogger(name: string, print: Print): Logger {
  const emit = (level: string, message: string, fields?: Record<string, unknown>) => {
    const details = Object.entries(fields ?? {})
      .filter(([key]) => key !== 'stack')
      .map(([key, value]) => `${key}=${str(value)}`)
      .join(' ');
    print(`[${name}] ${level}: ${message}${details === '' ? '' : ` (${details})`}`);
  };
  return {
    info: () => undefined,
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}
