import { stringify } from 'yaml';
import type { JsonObject } from 'saga-orchestrator-sdk/contracts';

/**
 * Which participant each step of the order saga asks, and with which commands. Shared by the definition file
 * below and by the unit tests' short form of the saga (test/unit/core/fixtures.ts).
 */
export const orderStepCommands = {
  reserve: { participant: 'inventory', action: 'ReserveInventory', compensation: 'ReleaseInventory' },
  charge: { participant: 'payments', action: 'ChargePayment', compensation: 'RefundPayment' },
  ship: { participant: 'shipping', action: 'ScheduleShipment' },
} as const;

export type StepRetry = { attempts: number; backoff: string };

export type OrderSagaOptions = {
  /** Default `order-fulfillment`. */
  name?: string;
  /** Default 1. */
  version?: number;
  /** Default `Place an order across inventory, payments and shipping`. */
  description?: string;
  /** Every step's attempt timeout; default `400ms`. */
  stepTimeout?: string;
  /** Every action's retry policy; default 2 attempts, 50 ms apart. */
  retry?: StepRetry;
  /** Every compensation's retry policy; default 3 attempts, 50 ms apart. */
  compensationRetry?: StepRetry;
  /** Whole-saga deadline; default none. */
  timeout?: string;
  /** More top-level fields, added last (they replace the ones above). */
  extra?: JsonObject;
};

/**
 * The example saga of docs/definitions.md as a definition document, with timings short enough for tests: reserve
 * inventory, charge the payment, schedule the shipment; the first two can be undone. Its input needs `orderId`
 * and a positive `amount`.
 */
export function orderSagaDocument(options: OrderSagaOptions = {}): JsonObject {
  const timeout = options.stepTimeout ?? '400ms';
  const retry = options.retry ?? { attempts: 2, backoff: '50ms' };
  const compensationRetry = options.compensationRetry ?? { attempts: 3, backoff: '50ms' };
  const { reserve, charge, ship } = orderStepCommands;
  return {
    name: options.name ?? 'order-fulfillment',
    version: options.version ?? 1,
    description: options.description ?? 'Place an order across inventory, payments and shipping',
    input: {
      type: 'object',
      required: ['orderId', 'amount'],
      properties: { orderId: { type: 'string' }, amount: { type: 'number', exclusiveMinimum: 0 } },
    },
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    steps: [
      {
        name: 'reserve-inventory',
        ...reserve,
        timeout,
        retry,
        compensationRetry,
        payload: { orderId: '${input.orderId}' },
      },
      {
        name: 'charge-payment',
        ...charge,
        timeout,
        retry,
        compensationRetry,
        payload: {
          orderId: '${input.orderId}',
          amount: '${input.amount}',
          reservationId: '${steps.reserve-inventory.output.reservationId}',
        },
      },
      {
        name: 'schedule-shipment',
        ...ship,
        timeout,
        retry,
        payload: {
          orderId: '${input.orderId}',
          label: 'order ${input.orderId} paid with ${steps.charge-payment.output.paymentId}',
        },
      },
    ],
    ...options.extra,
  };
}

/** The order saga's definition file, as YAML. */
export function orderSagaYaml(options: OrderSagaOptions = {}): string {
  return stringify(orderSagaDocument(options), { lineWidth: 0 });
}
