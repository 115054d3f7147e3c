import type { Pool } from 'pg';

/**
 * Resolves when sagas reach a terminal status, by polling their rows in one query for all sagas in flight:
 * cheaper for the engine than polling its HTTP API saga by saga.
 */
export class CompletionWatcher {
  private readonly waiting = new Map<string, (status: string) => void>();
  private running = true;
  private readonly loop: Promise<void>;

  constructor(private readonly pool: Pool) {
    this.loop = this.run();
  }

  wait(id: string): Promise<string> {
    return new Promise((resolve) => this.waiting.set(id, resolve));
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.waiting.size > 0) {
        const { rows } = await this.pool.query<{ id: string; status: string }>(
          `SELECT id, status FROM saga_instances
           WHERE id = ANY($1::uuid[]) AND status IN ('COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED')`,
          [[...this.waiting.keys()]],
        );
        for (const { id, status } of rows) {
          this.waiting.get(id)?.(status);
          this.waiting.delete(id);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
