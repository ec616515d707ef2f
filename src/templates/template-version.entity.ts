import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { jsonType, timeType, nowDefault } from '../database/column-types';

/**
 * One saved state of a template, never changed after insert: a campaign keeps the id of the version
 * it was built from and always sends exactly that. Deleting the template keeps its versions
 * (templateId becomes null) so such campaigns can still send.
 */
@Entity('template_versions')
export class TemplateVersion {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', nullable: true }) templateId: string | null;
  /** 1, 2, 3… within its template */
  @Column({ type: 'integer' }) number: number;
  @Column({ type: 'text' }) subject: string;
  @Column({ type: 'text' }) mjml: string;
  /** the template's own Handlebars text part; null: derived from the HTML */
  @Column({ type: 'text', nullable: true }) text: string | null;
  /** data paths that must be present to render, e.g. "order.trackingUrl", "order.items.*.name" */
  @Column({ type: jsonType }) required: string[];
  @CreateDateColumn({ type: timeType, default: nowDefault }) createdAt: Date;
}
