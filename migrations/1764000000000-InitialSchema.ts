import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE saga_definitions (
        name        text        NOT NULL,
        version     integer     NOT NULL CHECK (version > 0),
        description text,
        document    jsonb       NOT NULL,
        fingerprint text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (name, version)
      )`);
    await db.query(`
      CREATE TABLE saga_instances (
        id                  uuid        PRIMARY KEY,
        name                text        NOT NULL,
        version             integer     NOT NULL,
        status              text        NOT NULL CHECK (status IN
                              ('RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED')),
        correlation_id      text        NOT NULL,
        idempotency_key     text        UNIQUE,
        request_fingerprint text,
        state               jsonb       NOT NULL,
        revision            integer     NOT NULL,
        last_seq            integer     NOT NULL,
        created_at          timestamptz NOT NULL,
        updated_at          timestamptz NOT NULL,
        FOREIGN KEY (name, version) REFERENCES saga_definitions (name, version)
      )`);
    await db.query(`CREATE INDEX saga_instances_created_idx ON saga_instances (created_at DESC, id DESC)`);
    await db.query(
      `CREATE INDEX saga_instances_status_created_idx ON saga_instances (status, created_at DESC, id DESC)`,
    );
    await db.query(
      `CREATE INDEX saga_instances_name_created_idx ON saga_instances (name, created_at DESC, id DESC)`,
    );
    await db.query(`
      CREATE TABLE saga_events (
        saga_id uuid        NOT NULL REFERENCES saga_instances (id) ON DELETE CASCADE,
        seq     integer     NOT NULL,
        type    text        NOT NULL,
        step    text,
        data    jsonb       NOT NULL,
        at      timestamptz NOT NULL,
        PRIMARY KEY (saga_id, seq)
      )`);
    await db.query(`
      CREATE TABLE saga_timers (
        saga_id uuid        NOT NULL REFERENCES saga_instances (id) ON DELETE CASCADE,
        key     text        NOT NULL,
        fire_at timestamptz NOT NULL,
        payload jsonb       NOT NULL,
        PRIMARY KEY (saga_id, key)
      )`);
    await db.query(`CREATE INDEX saga_timers_fire_at_idx ON saga_timers (fire_at)`);
    await db.query(`
      CREATE TABLE outbox (
        id               bigserial   PRIMARY KEY,
        saga_id          uuid        NOT NULL,
        message_id       text        NOT NULL UNIQUE,
        exchange         text        NOT NULL,
        routing_key      text        NOT NULL,
        headers          jsonb       NOT NULL,
        body             jsonb       NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        lease_until      timestamptz NOT NULL,
        publish_attempts integer     NOT NULL DEFAULT 0
      )`);
    await db.query(`CREATE INDEX outbox_lease_until_idx ON outbox (lease_until)`);
    await db.query(`
      CREATE TABLE processed_replies (
        message_id   text        PRIMARY KEY,
        saga_id      uuid        NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'processed_replies',
      'outbox',
      'saga_timers',
      'saga_events',
      'saga_instances',
      'saga_definitions',
    ]) {
      await db.query(`DROP TABLE ${table}`);
    }
  }
}
