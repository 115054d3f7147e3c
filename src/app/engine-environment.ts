import { type AppConfig, loadConfig } from '../config/config';
import { type RunModeDecision, resolveRunMode } from '../config/run-mode';
import {
  type EmbeddedServices,
  dataDirOf,
  embeddedModeLine,
  startEmbeddedServices,
} from '../embedded/embedded-services';
import {
  type BrokerTransport,
  amqplibTransport,
} from 'saga-orchestrator-sdk/internal/messaging/broker-transport';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';

/** How a participant in this process reaches the engine's broker: `createParticipant({ ...broker, … })`. */
export type ParticipantBroker = { url: string } | { transport: BrokerTransport };

/** The configuration and the services an engine runs with, in the mode the environment resolves to. */
export interface EngineEnvironment {
  config: AppConfig;
  decision: RunModeDecision;
  brokerTransport: BrokerTransport;
  participantBroker: ParticipantBroker;
  /** null in external mode. */
  embedded: EmbeddedServices | null;
  /** Stops what embedded mode started; call it after the engine closed. */
  stop(): Promise<void>;
}

/**
 * Resolves the run mode (run-mode.ts), starts PGlite and the in-process broker in embedded mode (logging the one
 * line that says so), and parses the configuration once.
 */
export async function prepareEngineEnvironment(
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<EngineEnvironment> {
  const decision = await resolveRunMode(env);
  if (decision.mode === 'external') {
    const config = loadConfig(env);
    return {
      config,
      decision,
      brokerTransport: amqplibTransport,
      participantBroker: { url: config.amqpUrl },
      embedded: null,
      stop: () => Promise.resolve(),
    };
  }
  // Checked before anything starts: a bad variable must not leave a data directory behind.
  loadConfig(env, { databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres' });
  const dataDir = dataDirOf(env);
  const embedded = await startEmbeddedServices(dataDir);
  try {
    const config = loadConfig(env, { databaseUrl: embedded.database.url });
    logger.warn(embeddedModeLine(dataDir), { reason: decision.reason });
    const transport = embedded.broker.transport;
    return {
      config,
      decision,
      brokerTransport: transport,
      participantBroker: { transport },
      embedded,
      stop: () => embedded.stop(),
    };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}
