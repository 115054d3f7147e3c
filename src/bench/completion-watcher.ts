import { type SagaStatus, isTerminal } from '../core/status';
import type { Pool, PoolClient } from 'pg';

/**
 * Resolves when sagas reach a terminal status, by polling their rows in one query for all sagas in flight:
 * cheaper for the engine than polling its HTTP API saga by saga. The pause between polls grows with the number
 * of sagas waiting (5 ms for up to 16, 16 ms for 128): with many in flight, each poll finds several finished and
 * the sagas take longer anyway, so polling as often would only take database time from the engine it measures.
 */
export class CompletionWatcher {
  private readonly waiting = new Map<string, (status: string) => void>();
  private running = true;
  private readonly loop: Promise<void>;

  constructor(pool: Pool) {
    this.loop = pool.connect().then((client) => this.run(client));
  }

  wait(id: string): Promise<string> {
    return new Promise((resolve) => this.waiting.set(id, resolve));
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(client: PoolClient): Promise<void> {
    try {
      // The poll's plan is kept between vacuums of the table, and one made while the table was small is a
      // sequential scan that then reads every saga on each poll: a quarter of a core of PostgreSQL at 4,000 sagas.
      await client.query('SET enable_seqscan = off');
      while (this.running) {
        if (this.waiting.size > 0) await this.poll(client);
        await new Promise((resolve) => setTimeout(resolve, Math.max(5, this.waiting.size / 8)));
      }
    } finally {
      // Destroyed, not returned to the pool: the session setting must not reach the pool's other users.
      client.release(true);
    }
  }

  private async poll(client: PoolClient): Promise<void> {
    const { rows } = await client.query<{ id: string; status: string }>({
      // Named, so it is parsed once: it runs every few milliseconds beside the engine.
      name: 'bench.saga-statuses',
      // Terminal statuses are picked here, not in SQL: a status condition can lead the planner to the status
      // index, scanning every finished saga instead of looking up the ids.
      text: `SELECT id, status FROM saga_instances WHERE id = ANY($1::uuid[])`,
      values: [[...this.waiting.keys()]],
    });
    for (const { id, status } of rows) {
      if (!isTerminal(status as SagaStatus)) continue;
      this.waiting.get(id)?.(status);
      this.waiting.delete(id);
    }
  }
}
