import { SagaStatus } from '../core/status';
import type { DemoApi } from './demo-api';
import {
  type DemoResult,
  type Expectation,
  isSettled,
  printOutcome,
  readOutcome,
  sagaWaitMs,
  unexpected,
} from './saga-outcome';

const orders: { orderId: string; amount: number; expected: Expectation }[] = [
  { orderId: 'o-1', amount: 25, expected: { status: SagaStatus.completed, compensations: [] } },
  { orderId: 'o-2', amount: 40, expected: { status: SagaStatus.completed, compensations: [] } },
  {
    orderId: 'fail-3',
    amount: 15,
    expected: { status: SagaStatus.compensated, compensations: ['RefundPayment', 'ReleaseInventory'] },
  },
];

/** Three `order-fulfillment` sagas: two complete, and one whose shipment fails is compensated in reverse order. */
export async function runOrderDemo(api: DemoApi): Promise<DemoResult> {
  console.log(`Starting ${orders.length} order-fulfillment sagas\n`);
  const started = await Promise.all(
    orders.map(async (order) => ({
      order,
      id: await api.startSaga('order-fulfillment', { orderId: order.orderId, amount: order.amount }),
    })),
  );
  const compensationOf = await api.compensationCommands('order-fulfillment');
  const deadline = Date.now() + sagaWaitMs;
  const outcomes = await Promise.all(
    started.map(async ({ order, id }) =>
      readOutcome(api, `order ${order.orderId}`, await api.waitFor(id, isSettled, deadline), compensationOf),
    ),
  );

  console.log('');
  outcomes.forEach((outcome) => printOutcome(outcome));
  console.log('');
  return {
    problems: outcomes.flatMap((outcome, index) => unexpected(outcome, orders[index]!.expected)),
    summary: 'o-1 and o-2 COMPLETED; fail-3 COMPENSATED (refund, then release)',
  };
}
