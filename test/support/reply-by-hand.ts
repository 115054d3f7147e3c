import { randomUUID } from 'node:crypto';
import type { ChannelModel } from 'amqplib';
import { type Command, type JsonObject, Topology, replyAnswering } from 'saga-orchestrator-sdk/contracts';

/** Publishes a success reply to `command` on `sagas.replies`, as a participant would, when a test decides. */
export async function answerByHand(
  broker: ChannelModel,
  command: Command,
  output: JsonObject,
): Promise<void> {
  const reply = replyAnswering(command, {
    message_id: randomUUID(),
    timestamp: new Date().toISOString(),
    outcome: 'success',
    output,
  });
  const channel = await broker.createChannel();
  channel.sendToQueue(Topology.repliesQueue, Buffer.from(JSON.stringify(reply)), {
    persistent: true,
    contentType: 'application/json',
    messageId: reply.message_id,
    correlationId: command.message_id,
  });
  await channel.close();
}
