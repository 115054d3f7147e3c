import type { ChannelModel } from 'amqplib';
import type { BenchEnvironment } from './bench-environment';
import { type EngineChild, startEngineChild } from './engine-child';
import { startInstantParticipants } from './instant-participants';

const PORT = 3900;

export interface BenchEngine {
  engine: EngineChild;
  participants: ChannelModel;
  stop(): Promise<void>;
}

/** The engine in a child process on the bench's database and vhost, and participants that answer at once. */
export async function startBenchEngine(
  environment: BenchEnvironment,
  env: Record<string, string> = {},
): Promise<BenchEngine> {
  const engine = await startEngineChild(
    {
      DATABASE_URL: environment.databaseUrl,
      AMQP_URL: environment.amqpUrl,
      SAGAS_DIR: environment.sagasDir,
      ...env,
    },
    PORT,
  );
  const participants = await startInstantParticipants(environment.amqpUrl).catch(async (error: unknown) => {
    await engine.stop();
    throw error;
  });
  return {
    engine,
    participants,
    async stop() {
      await participants.close();
      await engine.stop();
    },
  };
}
