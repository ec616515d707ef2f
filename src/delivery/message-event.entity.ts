import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonType, timeType } from '../database/column-types';

export type MessageEventType =
  | 'queued'
  | 'sent'
  | 'deferred'
  | 'failed'
  | 'bounced'
  | 'skipped'
  | 'cancelled'
  | 'opened'
  | 'clicked'
  | 'unsubscribed'
  | 'complained';

/** Something that happened to a message, in order: the `events` of GET /api/messages/:id. */
@Entity('message_events')
@Index('idx_message_events_message_at', ['messageId', 'at'])
export class MessageEvent {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) messageId: string;
  @Column({ type: 'varchar', length: 32 }) type: MessageEventType;
  @Column({ type: timeType }) at: Date;
  @Column({ type: jsonType, nullable: true }) detail: Record<string, unknown> | null;
}
