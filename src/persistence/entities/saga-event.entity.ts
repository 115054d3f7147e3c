import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { JsonObject } from 'saga-orchestrator-sdk/contracts';
import type { SagaEventType } from '../../core/events';

/** One row of a saga's append-only log. */
@Entity({ name: 'saga_events' })
export class SagaEventEntity {
  @PrimaryColumn('uuid', { name: 'saga_id' })
  sagaId!: string;

  @PrimaryColumn('integer')
  seq!: number;

  @Column('text')
  type!: SagaEventType;

  @Column('text', { nullable: true })
  step!: string | null;

  @Column('jsonb')
  data!: JsonObject;

  @Column('timestamptz')
  at!: Date;
}
