import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Message ids of replies already applied: a redelivered reply changes nothing. */
@Entity({ name: 'processed_replies' })
export class ProcessedReplyEntity {
  @PrimaryColumn('text', { name: 'message_id' })
  messageId!: string;

  @Column('uuid', { name: 'saga_id' })
  sagaId!: string;

  @Column('timestamptz', { name: 'processed_at' })
  processedAt!: Date;
}
