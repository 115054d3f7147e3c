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

/** Step executions per saga: three actions; on the failure path also two compensations. */
export function stepsPerSaga(failing: boolean): number {
  return failing ? 5 : 3;
}
