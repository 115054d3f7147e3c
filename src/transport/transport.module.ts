import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Global,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import {
  declareEventsExchange,
  declareParticipantQueue,
  declareSharedTopology,
} from 'saga-orchestrator-sdk/internal/messaging/topology';
import { EngineMetrics } from '../observability/engine-metrics';
import type { DefinitionSource, ReplyApplier } from '../orchestrator/ports';
import { COMMAND_PUBLISHER, DEFINITION_SOURCE, REPLY_APPLIER } from '../orchestrator/tokens';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { BROKER_TRANSPORT, LOGGER } from '../shared/tokens';
import type { BrokerTransport } from 'saga-orchestrator-sdk/internal/messaging/broker-transport';
import { AmqpConnection } from './amqp-connection';
import { DeadLetterArchive } from './dead-letter-archive';
import { OutboxRelay } from './outbox-relay';
import { ReplyConsumer } from './reply-consumer';

/**
 * RabbitMQ: the connection and its channels (with the topology every definition's participants need, and the
 * lifecycle events' exchange), the outbox relay publishing commands and events, the reply consumer and the
 * dead-letter archive. Shuts down in the order the guarantees need: stop consuming and finish the writes in
 * flight, then wait for the broker's confirms, then close.
 */
@Global()
@Module({})
export class TransportModule
  implements
    OnModuleInit,
    OnApplicationBootstrap,
    OnModuleDestroy,
    BeforeApplicationShutdown,
    OnApplicationShutdown
{
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: TransportModule,
      providers: [
        {
          provide: AmqpConnection,
          inject: [LOGGER, DEFINITION_SOURCE, BROKER_TRANSPORT],
          useFactory: (logger: Logger, definitions: DefinitionSource, transport: BrokerTransport) => {
            const connection = new AmqpConnection(config.amqpUrl, logger, transport);
            connection.onChannelsOpen(async ({ publish }) => {
              await declareSharedTopology(publish, config.amqpQueues);
              await declareEventsExchange(publish);
              for (const participant of definitions.participants()) {
                await declareParticipantQueue(publish, participant, config.amqpQueues);
              }
            });
            // A version loaded later may name a participant: its queue exists before a command is routed to it.
            definitions.onNewParticipants((participants) => {
              const publish = connection.current?.publish;
              if (publish === undefined) return; // declared when the channels open again
              void (async () => {
                for (const participant of participants) {
                  await declareParticipantQueue(publish, participant, config.amqpQueues);
                }
              })().catch((error: unknown) =>
                logger.warn('could not declare participant queues', {
                  participants,
                  error: (error as Error).message,
                }),
              );
            });
            return connection;
          },
        },
        {
          provide: OutboxRelay,
          inject: [DataSource, AmqpConnection, LOGGER],
          useFactory: (dataSource: DataSource, connection: AmqpConnection, logger: Logger) =>
            new OutboxRelay(dataSource, connection, logger),
        },
        { provide: COMMAND_PUBLISHER, useExisting: OutboxRelay },
        {
          provide: DeadLetterArchive,
          inject: [DataSource, AmqpConnection, LOGGER],
          useFactory: (dataSource: DataSource, connection: AmqpConnection, logger: Logger) =>
            new DeadLetterArchive(dataSource, connection, logger),
        },
        {
          provide: ReplyConsumer,
          inject: [AmqpConnection, REPLY_APPLIER, LOGGER, DeadLetterArchive, EngineMetrics],
          useFactory: (
            connection: AmqpConnection,
            applier: ReplyApplier,
            logger: Logger,
            deadLetters: DeadLetterArchive,
            metrics: EngineMetrics,
          ) =>
            new ReplyConsumer(connection, applier, logger, {
              maxReplyBytes: config.maxReplyBytes,
              storeDeadLetter: (message, reason) => deadLetters.storeDirectly(message, reason),
              onDeadLetter: () => metrics.replyDeadLettered(),
            }),
        },
      ],
      exports: [AmqpConnection, COMMAND_PUBLISHER, DeadLetterArchive],
    };
  }

  constructor(
    @Inject(AmqpConnection) private readonly connection: AmqpConnection,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(ReplyConsumer) private readonly consumer: ReplyConsumer,
  ) {}

  /** Connected, with the topology declared and the consumers on, before the HTTP server listens. */
  async onModuleInit(): Promise<void> {
    await this.connection.start();
  }

  onApplicationBootstrap(): void {
    this.relay.startSweeping();
  }

  /** First: no reply is taken any more, and those being written are finished. */
  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
  }

  /** Then: the commands already published are confirmed (bounded wait), and confirmed rows deleted. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }

  /** Last: channels, then the connection. */
  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}
