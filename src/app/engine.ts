import type { DataSource } from 'typeorm';
import { type AppConfig, ConfigError } from '../config/config';
import { loadDefinitionFiles } from '../definitions/definition-files';
import type { DefinitionRegistry } from '../definitions/definition-registry';
import { syncDefinitions } from '../definitions/definition-sync';
import { type Clock, type IdGenerator, randomIds, systemClock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { Topology } from '../contracts/topology';
import { EngineMetrics } from '../observability/engine-metrics';
import { type SagaStats, readSagaStats } from '../observability/saga-stats';
import type { StatsWindow } from '../persistence/stats-sql';
import { Orchestrator } from '../orchestrator/orchestrator';
import {
  type ReplyAuthorization,
  openReplies,
  repliesFromParticipantUsers,
} from '../orchestrator/reply-authorization';
import { SagaCache } from '../orchestrator/saga-cache';
import { TimerPoller } from '../orchestrator/timer-poller';
import { createDataSource, ensureDatabase, migrateDatabase } from '../persistence/data-source';
import { SagaReader } from '../persistence/saga-reader';
import { runQuery } from '../persistence/sql';
import { HotTableVacuum } from '../persistence/hot-table-vacuum';
import { AmqpConnection } from '../transport/amqp-connection';
import { DeadLetterArchive } from '../transport/dead-letter-archive';
import { OutboxRelay } from '../transport/outbox-relay';
import { ReplyConsumer } from '../transport/reply-consumer';
import { declareParticipantQueue, declareSharedTopology } from '../messaging/topology';

/**
 * With `REPLY_AUTH=user-id` every participant a definition names needs a broker user: without one, none of its
 * replies could ever be accepted.
 */
function replyAuthorizationFor(config: AppConfig, participants: string[]): ReplyAuthorization {
  if (config.replyAuth === 'off') return openReplies;
  const missing = participants.filter((participant) => !config.participantUsers.has(participant));
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map(
        (participant) => `PARTICIPANT_USERS: names no broker user for participant "${participant}"`,
      ),
    );
  }
  return repliesFromParticipantUsers(config.participantUsers);
}

/** Saga definition files that cannot be loaded: the service refuses to start. */
export class DefinitionFilesError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid saga definitions:\n${problems.join('\n')}`);
    this.name = 'DefinitionFilesError';
  }
}

export interface EngineOptions {
  logger: Logger;
  clock?: Clock;
  newId?: IdGenerator;
}

export interface HealthReport {
  database: boolean;
  broker: boolean;
}

/** Everything but HTTP: database, definitions, broker, orchestrator and its background loops. */
export class Engine {
  private constructor(
    readonly dataSource: DataSource,
    readonly registry: DefinitionRegistry,
    readonly orchestrator: Orchestrator,
    readonly reader: SagaReader,
    readonly metrics: EngineMetrics,
    readonly deadLetters: DeadLetterArchive,
    private readonly connection: AmqpConnection,
    private readonly relay: OutboxRelay,
    private readonly consumer: ReplyConsumer,
    private readonly poller: TimerPoller,
    private readonly vacuum: HotTableVacuum,
    private readonly logger: Logger,
  ) {}

  static async start(config: AppConfig, options: EngineOptions): Promise<Engine> {
    const { logger } = options;
    const files = loadDefinitionFiles(config.sagasDir);
    if (files.problems.length > 0) {
      throw new DefinitionFilesError(files.problems);
    }
    await ensureDatabase(config.databaseUrl);
    const dataSource = await createDataSource(config.databaseUrl).initialize();
    try {
      const applied = await migrateDatabase(dataSource);
      if (applied.length > 0) logger.info('migrations applied', { migrations: applied });
      const registry = await syncDefinitions(dataSource, files.definitions);
      logger.info('saga definitions loaded', {
        definitions: files.definitions.map(({ definition }) => `${definition.name}@${definition.version}`),
      });

      const participants = registry.participants();
      const replyAuthorization = replyAuthorizationFor(config, participants);
      const connection = new AmqpConnection(config.amqpUrl, logger);
      connection.onChannelsOpen(async ({ publish }) => {
        await declareSharedTopology(publish);
        for (const participant of participants) await declareParticipantQueue(publish, participant);
      });
      const relay = new OutboxRelay(dataSource, connection, logger);
      const metrics = new EngineMetrics(dataSource);
      const orchestrator = new Orchestrator(
        dataSource,
        registry,
        relay,
        options.clock ?? systemClock,
        options.newId ?? randomIds,
        logger,
        [metrics],
        new SagaCache(config.sagaCacheBytes),
        replyAuthorization,
      );
      const deadLetters = new DeadLetterArchive(dataSource, connection, logger);
      const consumer = new ReplyConsumer(connection, orchestrator, logger, {
        maxReplyBytes: config.maxReplyBytes,
        storeDeadLetter: (message, reason) => deadLetters.storeDirectly(message, reason),
        onDeadLetter: () => metrics.replyDeadLettered(),
      });
      const poller = new TimerPoller(orchestrator, logger);
      const vacuum = new HotTableVacuum(dataSource, logger);
      await connection.start();
      relay.startSweeping();
      poller.start();
      vacuum.start();
      return new Engine(
        dataSource,
        registry,
        orchestrator,
        new SagaReader(dataSource),
        metrics,
        deadLetters,
        connection,
        relay,
        consumer,
        poller,
        vacuum,
        logger,
      );
    } catch (error) {
      await dataSource.destroy();
      throw error;
    }
  }

  stats(window: StatsWindow): Promise<SagaStats> {
    return readSagaStats(this.dataSource, window, () => this.connection.queueDepth(Topology.deadLetterQueue));
  }

  async health(): Promise<HealthReport> {
    const database = await runQuery(this.dataSource, { text: 'SELECT 1', values: [] }).then(
      () => true,
      () => false,
    );
    return { database, broker: this.connection.isConnected };
  }

  /** Graceful: stop taking work, let in-flight transactions finish, wait for confirms, close. */
  async stop(): Promise<void> {
    await this.consumer.stop();
    await this.poller.stop();
    await this.vacuum.stop();
    await this.relay.stop();
    await this.connection.close();
    await this.dataSource.destroy();
    this.logger.info('engine stopped');
  }
}
