import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TimerPayload } from '../../core/timers';

/** A durable timer: fires after a restart too. */
@Entity({ name: 'saga_timers' })
export class SagaTimerEntity {
  @PrimaryColumn('uuid', { name: 'saga_id' })
  sagaId!: string;

  @PrimaryColumn('text')
  key!: string;

  @Column('timestamptz', { name: 'fire_at' })
  fireAt!: Date;

  @Column('jsonb')
  payload!: TimerPayload;
}
