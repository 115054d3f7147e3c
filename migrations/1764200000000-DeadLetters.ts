import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Messages taken off sagas.dead-letter, kept until an operator replays or deletes them. */
export class DeadLetters1764200000000 implements MigrationInterface {
  name = 'DeadLetters1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE IF NOT EXISTS dead_letters (
        id                    bigserial   PRIMARY KEY,
        message_id            text,
        reason                text        NOT NULL,
        original_exchange     text        NOT NULL,
        original_routing_key  text        NOT NULL,
        properties            jsonb       NOT NULL,
        content               bytea       NOT NULL,
        received_at           timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX IF NOT EXISTS dead_letters_received_idx ON dead_letters (received_at DESC, id DESC)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE dead_letters`);
  }
}
