import type { DataSource } from 'typeorm';
import { runQuery } from '../persistence/sql';
import type { AmqpConnection } from '../transport/amqp-connection';

export interface HealthReport {
  database: boolean;
  broker: boolean;
}

/** Whether PostgreSQL answers and the broker's channels are open. */
export class HealthCheck {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: AmqpConnection,
  ) {}

  async check(): Promise<HealthReport> {
    const database = await runQuery(this.dataSource, { text: 'SELECT 1', values: [] }).then(
      () => true,
      () => false,
    );
    return { database, broker: this.connection.isConnected };
  }
}
