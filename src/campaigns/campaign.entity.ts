import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { jsonType, nowDefault, timeType } from '../database/column-types';
import type { ContentFormat } from './content-formats/content-format';
import type { AbTestSettings, AudienceSlice, CampaignVariant } from './ab-test';

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/**
 * A mailing to the members of some lists. Its content is one immutable template version
 * (`templateVersionId`); its recipients, once sending starts, are its rows in `messages`.
 */
@Entity('campaigns')
@Index('idx_campaigns_status', ['status'])
@Index('uq_campaigns_archive_slug', ['archiveSlug'], { unique: true })
@Index('idx_campaigns_parent', ['parentId'])
export class Campaign {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 500 }) subject: string;
  @Column({ type: 'varchar', length: 200, nullable: true }) fromName: string | null;
  @Column({ type: 'varchar', length: 320, nullable: true }) fromEmail: string | null;
  /** the stored template it was made from; null for inline MJML */
  @Column({ type: 'uuid', nullable: true }) templateId: string | null;
  /** exactly what it sends: a stored version's id (inline MJML is saved as a version of no template) */
  @Column({ type: 'varchar', length: 200 }) templateVersionId: string;
  /** how the editor wrote it: MJML (or a template), or Markdown / rich text put into a layout */
  @Column({ type: 'varchar', length: 16, default: 'mjml' }) contentFormat: ContentFormat;
  /** the Markdown or rich text as written (null for MJML: the version holds it) */
  @Column({ type: 'text', nullable: true }) contentSource: string | null;
  /** the layout Markdown / rich text was put into: a stored template's id or a built-in's slug */
  @Column({ type: 'varchar', length: 100, nullable: true }) layoutTemplateId: string | null;
  @Column({ type: jsonType }) listIds: string[];
  /** narrows the lists' members to those a segment matches (src/segments); null: all of them */
  @Column({ type: 'uuid', nullable: true }) segmentId: string | null;
  @Column({ type: 'boolean', default: true }) trackOpens: boolean;
  @Column({ type: 'boolean', default: true }) trackClicks: boolean;
  @Column({ type: 'varchar', length: 16, default: 'draft' }) status: CampaignStatus;
  @Column({ type: timeType, nullable: true }) sendAt: Date | null;
  @Column({ type: timeType, nullable: true }) startedAt: Date | null;
  /** when every recipient had a message row: until then a crash is recovered by resolving the audience again */
  @Column({ type: timeType, nullable: true }) preparedAt: Date | null;
  @Column({ type: timeType, nullable: true }) finishedAt: Date | null;
  /** published at /archive/:slug and in the feed once sending starts (src/archive) */
  @Column({ type: 'boolean', default: false }) archive: boolean;
  /** given when first marked for the archive, from the subject; kept after that so a published address stays */
  @Column({ type: 'varchar', length: 120, nullable: true }) archiveSlug: string | null;
  @Column({ type: timeType, nullable: true }) archivedAt: Date | null;
  /** A/B test (src/campaigns/ab-*): 2–4 variants and the test's settings; null for a plain campaign */
  @Column({ type: jsonType, nullable: true }) variants: CampaignVariant[] | null;
  @Column({ type: jsonType, nullable: true }) abTest: AbTestSettings | null;
  /** the variant that won (index into variants), once chosen */
  @Column({ type: 'integer', nullable: true }) abWinner: number | null;
  /** a hidden child of an A/B test: its parent, the variant it sends, and its slice of the parent's audience */
  @Column({ type: 'uuid', nullable: true }) parentId: string | null;
  @Column({ type: 'integer', nullable: true }) variantIndex: number | null;
  @Column({ type: jsonType, nullable: true }) audienceSlice: AudienceSlice | null;
  @CreateDateColumn({ type: timeType, default: nowDefault }) createdAt: Date;
  @UpdateDateColumn({ type: timeType, default: nowDefault }) updatedAt: Date;
}
