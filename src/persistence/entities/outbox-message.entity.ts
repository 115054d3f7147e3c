import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { JsonObject } from 'saga-orchestrator-sdk/contracts';

/** A message committed with the state change that caused it, deleted once the broker confirms it. */
@Entity({ name: 'outbox' })
export class OutboxMessageEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column('uuid', { name: 'saga_id' })
  sagaId!: string;

  @Column('text', { name: 'message_id', unique: true })
  messageId!: string;

  @Column('text')
  exchange!: string;

  @Column('text', { name: 'routing_key' })
  routingKey!: string;

  @Column('jsonb')
  headers!: Record<string, string>;

  @Column('jsonb')
  body!: JsonObject;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  /** Until then the engine process that wrote or claimed the row publishes it; afterwards any may. */
  @Column('timestamptz', { name: 'lease_until' })
  leaseUntil!: Date;

  @Column('integer', { name: 'publish_attempts' })
  publishAttempts!: number;
}
