import { randomUUID } from 'node:crypto';
import { type Channel, type ChannelModel, type ConsumeMessage, connect } from 'amqplib';
import {
  type Command,
  type JsonObject,
  Topology,
  commandQueueName,
  commandSchema,
  replyAnswering,
} from 'saga-orchestrator-sdk/contracts';

/** What a scripted participant does with one command. */
export type ScriptedAnswer =
  | { outcome: 'success'; output?: JsonObject }
  | { outcome: 'failure'; code: string; message?: string; retryable: boolean }
  | { outcome: 'no-reply' };

export interface ReceivedCommand {
  command: Command;
  headers: Record<string, unknown>;
  properties: ConsumeMessage['properties'];
}

export interface ScriptedParticipantOptions {
  /** Set as the AMQP `userId` of every reply (RabbitMQ takes only the connection's own user). */
  userId?: string;
  /** Check that the exchange and queue exist instead of declaring them (a broker user without configure rights). */
  passive?: boolean;
}

/**
 * A participant written against the wire protocol alone (raw amqplib, no SDK): it records every command it
 * receives and answers as its script says.
 */
export class ScriptedParticipant {
  readonly received: ReceivedCommand[] = [];
  private connection: ChannelModel | null = null;
  private channel: Channel | null = null;

  constructor(
    private readonly url: string,
    readonly name: string,
    private readonly script: (command: Command, received: ReceivedCommand[]) => ScriptedAnswer,
    private readonly options: ScriptedParticipantOptions = {},
  ) {}

  async start(): Promise<void> {
    this.connection = await connect(this.url);
    const channel = await this.connection.createConfirmChannel();
    this.channel = channel;
    const queue = commandQueueName(this.name);
    if (this.options.passive === true) {
      await channel.checkExchange(Topology.commandsExchange);
      await channel.checkQueue(queue);
    } else {
      await channel.assertExchange(Topology.commandsExchange, 'direct', { durable: true });
      await channel.assertQueue(queue, { durable: true });
      await channel.bindQueue(queue, Topology.commandsExchange, this.name);
    }
    await channel.consume(queue, (message) => {
      if (message !== null) this.onMessage(channel, message);
    });
  }

  async stop(): Promise<void> {
    await this.connection?.close();
  }

  commands(filter: Partial<Pick<Command, 'type' | 'kind'>> & { sagaId?: string } = {}): Command[] {
    return this.received
      .map((r) => r.command)
      .filter(
        (c) =>
          (filter.type === undefined || c.type === filter.type) &&
          (filter.kind === undefined || c.kind === filter.kind) &&
          (filter.sagaId === undefined || c.saga.id === filter.sagaId),
      );
  }

  private onMessage(channel: Channel, message: ConsumeMessage): void {
    const command = commandSchema.parse(JSON.parse(message.content.toString('utf8')));
    const received = { command, headers: message.properties.headers ?? {}, properties: message.properties };
    this.received.push(received);
    const answer = this.script(command, this.received);
    if (answer.outcome !== 'no-reply') {
      const stamp = { message_id: randomUUID(), timestamp: new Date().toISOString() };
      const reply =
        answer.outcome === 'success'
          ? replyAnswering(command, { ...stamp, outcome: 'success', output: answer.output ?? {} })
          : replyAnswering(command, {
              ...stamp,
              outcome: 'failure',
              error: {
                code: answer.code,
                message: answer.message ?? answer.code,
                retryable: answer.retryable,
              },
            });
      channel.sendToQueue(message.properties.replyTo as string, Buffer.from(JSON.stringify(reply)), {
        persistent: true,
        contentType: 'application/json',
        messageId: reply.message_id,
        correlationId: command.message_id,
        ...(this.options.userId === undefined ? {} : { userId: this.options.userId }),
      });
    }
    channel.ack(message);
  }
}
