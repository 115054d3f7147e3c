import { randomUUID } from 'node:crypto';
import { type ChannelModel, connect } from 'amqplib';
import { type Command, commandQueueName } from 'saga-orchestrator-sdk/contracts';
import { coalesceWrites } from 'saga-orchestrator-sdk/internal/messaging/coalesce-writes';
import { classicQueues } from 'saga-orchestrator-sdk/internal/messaging/queue-settings';
import {
  declareParticipantQueue,
  declareSharedTopology,
} from 'saga-orchestrator-sdk/internal/messaging/topology';
import { failureReply, successReply } from 'saga-orchestrator-sdk/internal/sdk/replies';

/**
 * Participants that answer every command at once (raw amqplib, replies without confirms): the bench measures the
 * engine, not them. ScheduleShipment fails without retry for orders named `fail-…`.
 */
export async function startInstantParticipants(url: string): Promise<ChannelModel> {
  const connection = await connect(url, { noDelay: true });
  for (const participant of ['inventory', 'payments', 'shipping']) {
    const channel = await connection.createChannel();
    await declareSharedTopology(channel, classicQueues);
    await declareParticipantQueue(channel, participant, classicQueues);
    await channel.prefetch(512);
    await channel.consume(commandQueueName(participant), (message) => {
      if (message === null) return;
      // Not validated: the engine's commands are checked by the tests, and the bench measures the engine.
      const command = JSON.parse(message.content.toString('utf8')) as Command;
      const fails =
        command.type === 'ScheduleShipment' && String(command.payload.orderId).startsWith('fail-');
      const stamp = { messageId: randomUUID(), now: new Date() };
      const reply = fails
        ? failureReply(command, { code: 'NO_CARRIER', message: 'no carrier', retryable: false }, stamp)
        : successReply(command, { reservationId: 'r', paymentId: 'p', trackingId: 't' }, stamp);
      channel.sendToQueue(String(message.properties.replyTo), Buffer.from(JSON.stringify(reply)), {
        persistent: true,
        contentType: 'application/json',
        messageId: reply.message_id,
        correlationId: command.message_id,
      });
      channel.ack(message);
      coalesceWrites(connection);
    });
  }
  return connection;
}
