import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SagaState } from '../../core/state';
import type { SagaStatus } from '../../core/status';

@Entity({ name: 'saga_instances' })
export class SagaInstanceEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('integer')
  version!: number;

  @Column('text')
  status!: SagaStatus;

  @Column('text', { name: 'correlation_id' })
  correlationId!: string;

  @Column('text', { name: 'idempotency_key', nullable: true, unique: true })
  idempotencyKey!: string | null;

  @Column('text', { name: 'request_fingerprint', nullable: true })
  requestFingerprint!: string | null;

  @Column('jsonb')
  state!: SagaState;

  /** The step whose failure started compensation (or that was in flight at the deadline or an abort). */
  @Column('text', { name: 'failing_step', nullable: true })
  failingStep!: string | null;

  /** The saga an operator reran to start this one, if any. */
  @Column('uuid', { name: 'rerun_of', nullable: true })
  rerunOf!: string | null;

  /** Incremented on every update; guards against lost updates. */
  @Column('integer')
  revision!: number;

  /** Sequence number of the saga's latest log row. */
  @Column('integer', { name: 'last_seq' })
  lastSeq!: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
