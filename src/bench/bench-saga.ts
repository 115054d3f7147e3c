import { LifecycleEvents } from '../core/definition/types';

/** The 3-step example saga with generous timeouts: the bench measures speed, not timeouts. */
export const benchSagaYaml = `
name: order-fulfillment
version: 1
steps:
  - name: reserve-inventory
    participant: inventory
    action: ReserveInventory
    compensation: ReleaseInventory
    timeout: 60s
    payload: { orderId: "\${input.orderId}" }
  - name: charge-payment
    participant: payments
    action: ChargePayment
    compensation: RefundPayment
    timeout: 60s
    payload: { orderId: "\${input.orderId}", reservationId: "\${steps.reserve-inventory.output.reservationId}" }
  - name: schedule-shipment
    participant: shipping
    action: ScheduleShipment
    timeout: 60s
    payload: { orderId: "\${input.orderId}" }
`;

/** A step, a parallel group of three, a step: the same participants, which answer any command at once. */
export const benchGroupSagaYaml = `
name: order-group
version: 1
steps:
  - name: reserve-inventory
    participant: inventory
    action: ReserveInventory
    compensation: ReleaseInventory
    timeout: 60s
    payload: { orderId: "\${input.orderId}" }
  - parallel:
      name: prepare-order
      steps:
        - name: charge-payment
          participant: payments
          action: ChargePayment
          compensation: RefundPayment
          timeout: 60s
          payload: { orderId: "\${input.orderId}", reservationId: "\${steps.reserve-inventory.output.reservationId}" }
        - name: pack-order
          participant: inventory
          action: PackOrder
          compensation: UnpackOrder
          timeout: 60s
          payload: { orderId: "\${input.orderId}", reservationId: "\${steps.reserve-inventory.output.reservationId}" }
        - name: book-carrier
          participant: shipping
          action: BookCarrier
          compensation: CancelCarrier
          timeout: 60s
          payload: { orderId: "\${input.orderId}" }
  - name: schedule-shipment
    participant: shipping
    action: ScheduleShipment
    timeout: 60s
    payload: { orderId: "\${input.orderId}", paymentId: "\${steps.charge-payment.output.paymentId}" }
`;

/**
 * What a scenario runs: `success` and `compensation` run the 3-step saga (its last step fails on the latter, and
 * steps 2 and 1 compensate); `group` runs the saga with a parallel group on its success path.
 */
export const BenchPath = {
  success: { saga: 'order-fulfillment', failing: false, stepsPerSaga: 3, expectedStatus: 'COMPLETED' },
  compensation: { saga: 'order-fulfillment', failing: true, stepsPerSaga: 5, expectedStatus: 'COMPENSATED' },
  group: { saga: 'order-group', failing: false, stepsPerSaga: 5, expectedStatus: 'COMPLETED' },
} as const;
export type BenchPathName = keyof typeof BenchPath;
export const benchPathNames = Object.keys(BenchPath) as BenchPathName[];

/** `--events=`: which lifecycle events the bench sagas publish; null leaves the key out (the default, `terminal`). */
export function parseEventsSelection(value: string | undefined): LifecycleEvents | null {
  if (value === undefined) return null;
  const known = Object.values(LifecycleEvents);
  if (!known.includes(value as LifecycleEvents)) {
    throw new Error(`--events: unknown ${value} (known: ${known.join(', ')})`);
  }
  return value as LifecycleEvents;
}

/** A bench saga's YAML with a top-level `events` selection, or as it is when none is given. */
export function withEventsSelection(yaml: string, events: LifecycleEvents | null): string {
  return events === null ? yaml : `${yaml.trimEnd()}\nevents: ${events}\n`;
}
