import { connect } from 'amqplib';
import { Topology } from 'saga-orchestrator-sdk/contracts';
import { ScriptedParticipant } from '../support/scripted-participant';

/**
 * The order saga's participants, scripted by the order id's prefix: `ok-` completes; any other order fails at
 * shipping and compensates; `refund-fails-` also fails its first refund for good, so the saga ends
 * COMPENSATION_FAILED until an operator retries it.
 */
export async function startOrderParticipants(url: string): Promise<ScriptedParticipant[]> {
  const orderId = (payload: unknown) => String((payload as { orderId?: unknown }).orderId);
  const participants = [
    new ScriptedParticipant(url, 'inventory', (command) =>
      command.type === 'ReserveInventory'
        ? { outcome: 'success', output: { reservationId: `r-${orderId(command.payload)}` } }
        : { outcome: 'success' },
    ),
    new ScriptedParticipant(url, 'payments', (command, received) => {
      if (command.type === 'ChargePayment') {
        return { outcome: 'success', output: { paymentId: `p-${orderId(command.payload)}` } };
      }
      const refunds = received.filter(
        (r) => r.command.type === 'RefundPayment' && r.command.saga.id === command.saga.id,
      );
      return orderId(command.payload).startsWith('refund-fails-') && refunds.length === 1
        ? { outcome: 'failure', code: 'BANK_OFFLINE', message: 'the bank did not answer', retryable: false }
        : { outcome: 'success' };
    }),
    new ScriptedParticipant(url, 'shipping', (command) =>
      orderId(command.payload).startsWith('ok-')
        ? { outcome: 'success', output: { shipmentId: `s-${orderId(command.payload)}` } }
        : {
            outcome: 'failure',
            code: 'NO_CARRIER',
            message: 'no carrier serves this address',
            retryable: false,
          },
    ),
  ];
  for (const participant of participants) await participant.start();
  return participants;
}

/** Puts a message nobody can read on `sagas.replies`: the engine dead-letters and stores it. */
export async function publishUnreadableReply(url: string, text: string): Promise<void> {
  const connection = await connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    channel.sendToQueue(Topology.repliesQueue, Buffer.from(text), { contentType: 'application/json' });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}
