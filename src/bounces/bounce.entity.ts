import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { timeType } from '../database/column-types';
import type { BounceReason, BounceType } from './bounce-reasons';

/**
 * One bounce or complaint as it was read: the log behind the admin Bounces page and the campaign report's split of
 * bounced mail. No address in clear: the address's hash (suppressionHash, as the suppression list keeps it) and its
 * domain; the address itself is shown through the linked message while that exists. Erasure anonymises a person's
 * rows (hash, domain and detail cleared) so campaign numbers stay whole. No foreign keys: the log outlives messages.
 */
@Entity('bounces')
@Index('idx_bounces_at', ['at'])
@Index('idx_bounces_campaign_type', ['campaignId', 'type'])
@Index('idx_bounces_email_hash', ['emailHash'])
export class Bounce {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: timeType }) at: Date;
  @Column({ type: 'varchar', length: 16 }) type: BounceType;
  @Column({ type: 'varchar', length: 32 }) reason: BounceReason;
  /** how it came in: api, dsn, arf, plain, smtp, imap, ses, sendgrid, postmark, mailgun */
  @Column({ type: 'varchar', length: 16 }) source: string;
  @Column({ type: 'varchar', length: 255, nullable: true }) domain: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) emailHash: string | null;
  @Column({ type: 'uuid', nullable: true }) messageId: string | null;
  @Column({ type: 'uuid', nullable: true }) campaignId: string | null;
  /** what the remote server said, with the address cut out */
  @Column({ type: 'text', nullable: true }) detail: string | null;
  /** the address was on the suppression list after this bounce */
  @Column({ type: 'boolean', default: false }) suppressed: boolean;
}
