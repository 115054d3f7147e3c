import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { JsonObject } from 'saga-orchestrator-sdk/contracts';

@Entity({ name: 'saga_definitions' })
export class SagaDefinitionEntity {
  @PrimaryColumn('text')
  name!: string;

  @PrimaryColumn('integer')
  version!: number;

  @Column('text', { nullable: true })
  description!: string | null;

  @Column('jsonb')
  document!: JsonObject;

  @Column('text')
  fingerprint!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
