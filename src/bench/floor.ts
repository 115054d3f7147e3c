import { randomUUID } from 'node:crypto';
import { type ConsumeMessage, connect } from 'amqplib';
import type { Pool } from 'pg';
import { publishConfirmed } from 'saga-orchestrator-sdk/internal/messaging/publish-confirmed';
import { type CpuUse, cpuMsPerStep, cpuSnapshot } from './process-usage';
import { type Distribution, distribution } from './stats';

const COMMANDS = 'bench.floor.commands';
const REPLIES = 'bench.floor.replies';

export interface FloorResult {
  concurrency: number;
  steps: number;
  stepsPerSecond: number;
  stepLatencyMs: Distribution;
  /**
   * CPU per step of PostgreSQL, RabbitMQ and the bench process (which plays both sides here). The idle engine's
   * background work (timer polls, vacuums) counts under PostgreSQL.
   */
  cpuMsPerStep: CpuUse;
}

/**
 * The least one durable step needs, with no engine: a transaction writing a log row and updating an instance
 * row, a persistent publish with confirm, the reply consumed, and a transaction recording it.
 */
export async function runFloor(
  pool: Pool,
  amqpUrl: string,
  concurrency: number,
  steps: number,
): Promise<FloorResult> {
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_floor_instances (id int PRIMARY KEY, n int NOT NULL)`);
  await pool.query(
    `CREATE TABLE IF NOT EXISTS bench_floor_log (id bigserial PRIMARY KEY, instance int NOT NULL, data jsonb NOT NULL)`,
  );
  await pool.query(
    `INSERT INTO bench_floor_instances SELECT g, 0 FROM generate_series(1, $1) g ON CONFLICT DO NOTHING`,
    [concurrency],
  );
  const connection = await connect(amqpUrl, { noDelay: true });
  try {
    const publisher = await connection.createConfirmChannel();
    const participant = await connection.createChannel();
    const consumer = await connection.createChannel();
    for (const queue of [COMMANDS, REPLIES]) {
      await publisher.assertQueue(queue, { durable: true });
      await publisher.purgeQueue(queue);
    }
    await participant.prefetch(512);
    await participant.consume(COMMANDS, (message) => {
      if (message === null) return;
      participant.sendToQueue(REPLIES, message.content, {
        persistent: true,
        correlationId: message.properties.correlationId as string,
      });
      participant.ack(message);
    });
    const awaiting = new Map<string, (message: ConsumeMessage) => void>();
    await consumer.prefetch(512);
    await consumer.consume(REPLIES, (message) => {
      if (message !== null) awaiting.get(String(message.properties.correlationId))?.(message);
    });

    const record = async (instance: number, data: object) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('INSERT INTO bench_floor_log (instance, data) VALUES ($1, $2)', [instance, data]);
        await client.query('UPDATE bench_floor_instances SET n = n + 1 WHERE id = $1', [instance]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    };
    const step = async (instance: number): Promise<number> => {
      const began = process.hrtime.bigint();
      const id = randomUUID();
      await record(instance, { sent: id });
      const reply = new Promise<ConsumeMessage>((resolve) => awaiting.set(id, resolve));
      await Promise.all([
        publishConfirmed(publisher, '', COMMANDS, Buffer.from(JSON.stringify({ id })), {
          persistent: true,
          correlationId: id,
        }),
        reply,
      ]);
      awaiting.delete(id);
      await record(instance, { replied: id });
      consumer.ack(await reply);
      return Number(process.hrtime.bigint() - began) / 1e6;
    };

    const latencies: number[] = [];
    let remaining = steps;
    const cpuBefore = cpuSnapshot(null);
    const began = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        while (remaining-- > 0) latencies.push(await step(worker + 1));
      }),
    );
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    return {
      concurrency,
      steps,
      stepsPerSecond: steps / seconds,
      stepLatencyMs: distribution(latencies),
      cpuMsPerStep: cpuMsPerStep(cpuBefore, cpuSnapshot(null), steps),
    };
  } finally {
    await connection.close();
  }
}
