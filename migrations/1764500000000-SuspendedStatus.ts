import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Definition language v2 adds the SUSPENDED status: a saga past its pivot waiting for an operator. */
export class SuspendedStatus1764500000000 implements MigrationInterface {
  name = 'SuspendedStatus1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE saga_instances DROP CONSTRAINT IF EXISTS saga_instances_status_check`);
    await db.query(`
      ALTER TABLE saga_instances ADD CONSTRAINT saga_instances_status_check CHECK (status IN
        ('RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED', 'SUSPENDED'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE saga_instances DROP CONSTRAINT IF EXISTS saga_instances_status_check`);
    await db.query(`
      ALTER TABLE saga_instances ADD CONSTRAINT saga_instances_status_check CHECK (status IN
        ('RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED'))`);
  }
}
