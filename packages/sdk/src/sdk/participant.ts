import type { ConfirmChannel } from 'amqplib';
import { commandQueueName } from '../contracts/topology';
import { hardenAmqplib } from '../messaging/harden-amqplib';
import {
  checkParticipantTopology,
  declareParticipantQueue,
  declareSharedTopology,
} from '../messaging/topology';
import { ActionTurns } from './action-turns';
import { CommandDelivery } from './command-delivery';
import { ConsumerConnection } from './consumer-connection';
import { type ParticipantOptions, compileOptions } from './options';

export interface Participant {
  /** The participant's name: it consumes `sagas.commands.<name>`. */
  readonly name: string;
  /**
   * Connects (retrying with backoff until the broker answers), declares the topology and starts consuming.
   * After a lost connection it reconnects by itself and does all of that again.
   */
  start(): Promise<void>;
  /** Stops consuming, waits for the commands being handled to be replied to, then closes the connection. */
  stop(): Promise<void>;
}

/** A participant service's side of the wire protocol (docs/wire-protocol.md): commands in, replies out. */
export function createParticipant(options: ParticipantOptions): Participant {
  const compiled = compileOptions(options);
  hardenAmqplib();
  const { participant, logger, userId } = compiled;
  const commands = new CommandDelivery({
    commands: {
      handlers: compiled.handlers,
      idempotency: compiled.idempotency,
      actionTurns: new ActionTurns(),
      logger,
      now: () => new Date(),
      newId: () => crypto.randomUUID(),
      maxCommandBytes: compiled.maxCommandBytes,
    },
    logger,
    maxReplyBytes: compiled.maxReplyBytes,
    userId,
  });
  const connection = new ConsumerConnection({
    urls: compiled.urls,
    transport: compiled.transport,
    name: `participant ${participant}`,
    queue: commandQueueName(participant),
    prefetch: compiled.prefetch,
    logger,
    userId,
    declare: async (channel: ConfirmChannel) => {
      if (!compiled.declareTopology) return checkParticipantTopology(channel, participant);
      await declareSharedTopology(channel, compiled.queues);
      await declareParticipantQueue(channel, participant, compiled.queues);
    },
    handle: commands.handle,
  });
  return {
    name: participant,
    start: () => connection.start(),
    stop: () => connection.stop(),
  };
}
