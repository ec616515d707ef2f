import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { jsonType, nowDefault, timeType } from '../database/column-types';

export type MessageStream = 'transactional' | 'campaign';

/**
 * What a message is. The stream says which rules it follows (the contract's two values); the kind says where
 * it came from: order/API mail, a campaign's own message, an editor's test send of a campaign (campaign
 * stream), or the service's own mail to a person: a subscription confirmation or a preferences link
 * (transactional stream). Every kind but 'campaign' leaves through OutboxService.
 */
export const MESSAGE_KINDS = [
  'transactional',
  'campaign',
  'test',
  'confirmation',
  'preferences-link',
  /** a step of an automation (src/automations): campaign stream */
  'automation',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
export type MessageStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'bounced' | 'skipped' | 'cancelled';

/**
 * The recipient of a message whose person erased their data. It also marks the message for good: nothing
 * about it is recorded any more (opens, clicks), whatever token a copy of the mail still carries.
 */
export const ERASED_RECIPIENT = '[erased]';

/**
 * One message to one recipient, on either stream: the log behind GET /api/messages/:id and, for a
 * campaign, the record of who was sent what (the database, not the queue, is the truth).
 * subscriberId has no foreign key: the log outlives the erasure of the person.
 */
@Entity('messages')
@Index('idx_messages_campaign_subscriber', ['campaignId', 'subscriberId'], { unique: true })
@Index('idx_messages_campaign_status', ['campaignId', 'status'])
@Index('idx_messages_to_email', ['toEmail'])
@Index('idx_messages_created_at', ['createdAt'])
export class Message {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 16 }) stream: MessageStream;
  @Column({ type: 'varchar', length: 32, default: 'transactional' }) kind: MessageKind;
  @Column({ type: 'uuid', nullable: true }) campaignId: string | null;
  @Column({ type: 'uuid', nullable: true }) subscriberId: string | null;
  @Column({ type: 'varchar', length: 320 }) toEmail: string;
  @Column({ type: 'varchar', length: 200, default: '' }) toName: string;
  /** the template's slug, or 'campaign' */
  @Column({ type: 'varchar', length: 200 }) template: string;
  @Column({ type: 'varchar', length: 200, nullable: true }) templateVersionId: string | null;
  /** the data a transactional message is rendered with; for a test send `{campaignId}`; null for campaign mail */
  @Column({ type: jsonType, nullable: true }) data: Record<string, unknown> | null;
  @Column({ type: 'varchar', length: 16 }) status: MessageStatus;
  @Column({ type: 'integer', default: 0 }) attempts: number;
  @Column({ type: 'varchar', length: 300, nullable: true, unique: true }) idempotencyKey: string | null;
  /** the Message-ID header it was (or will be) sent with */
  @Column({ type: 'varchar', length: 300, nullable: true }) smtpMessageId: string | null;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  @CreateDateColumn({ type: timeType, default: nowDefault }) createdAt: Date;
  @UpdateDateColumn({ type: timeType, default: nowDefault }) updatedAt: Date;
  @Column({ type: timeType, nullable: true }) sentAt: Date | null;
}
