/** The example saga of docs/definitions.md, with timings short enough for tests. */
export const orderSagaYaml = `
name: order-fulfillment
version: 1
description: Place an order across inventory, payments and shipping
input:
  type: object
  required: [orderId, amount]
  properties:
    orderId: { type: string }
    amount: { type: number, exclusiveMinimum: 0 }
steps:
  - name: reserve-inventory
    participant: inventory
    action: ReserveInventory
    compensation: ReleaseInventory
    timeout: 400ms
    retry: { attempts: 2, backoff: 50ms }
    compensationRetry: { attempts: 3, backoff: 50ms }
    payload:
      orderId: \${input.orderId}
  - name: charge-payment
    participant: payments
    action: ChargePayment
    compensation: RefundPayment
    timeout: 400ms
    retry: { attempts: 2, backoff: 50ms }
    compensationRetry: { attempts: 3, backoff: 50ms }
    payload:
      orderId: \${input.orderId}
      amount: \${input.amount}
      reservationId: \${steps.reserve-inventory.output.reservationId}
  - name: schedule-shipment
    participant: shipping
    action: ScheduleShipment
    timeout: 400ms
    retry: { attempts: 2, backoff: 50ms }
    payload:
      orderId: \${input.orderId}
      label: "order \${input.orderId} paid with \${steps.charge-payment.output.paymentId}"
`;
