import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { jsonType, nowDefault, timeType } from '../database/column-types';

export const AUTOMATION_EVENTS = [
  'subscription.confirmed',
  'order.placed',
  'order.shipped',
  'order.delivered',
  'inactive',
] as const;
export type AutomationEvent = (typeof AUTOMATION_EVENTS)[number];

/** active: enrols and sends; paused: enrols nobody, sends nothing, keeps who is where; stopped: final, everyone pending leaves. */
export const AUTOMATION_STATUSES = ['active', 'paused', 'stopped'] as const;
export type AutomationStatus = (typeof AUTOMATION_STATUSES)[number];

/** One mail of an automation, `delayHours` after the step before it (the first: after enrolment). */
export interface AutomationStep {
  delayHours: number;
  subject: string;
  /** the stored template it was made from; null for inline MJML */
  templateId: string | null;
  /** what it sends: the template's version when saved, or the inline MJML saved as a version of no template */
  templateVersionId: string;
  /** the inline MJML as written (null for a template) */
  mjml: string | null;
  /** sunset: unsubscribe the person from the automation's lists if no human opens this mail within these hours */
  sunsetAfterHours: number | null;
}

/**
 * A trigger and a series of mails. Steps are kept in order in one JSON column: an enrolment points at its next
 * step by index, so editing a step changes what pending people get; removing steps ends their series sooner.
 */
@Entity('automations')
@Index('idx_automations_event_status', ['triggerEvent', 'status'])
export class Automation {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 32 }) triggerEvent: AutomationEvent;
  /** the lists whose subscribers it reaches: marketing consent is the list's */
  @Column({ type: jsonType }) listIds: string[];
  /** `inactive`: days without a human open */
  @Column({ type: 'double precision', nullable: true }) triggerDays: number | null;
  @Column({ type: jsonType }) steps: AutomationStep[];
  @Column({ type: 'varchar', length: 16, default: 'active' }) status: AutomationStatus;
  @CreateDateColumn({ type: timeType, default: nowDefault }) createdAt: Date;
  @UpdateDateColumn({ type: timeType, default: nowDefault }) updatedAt: Date;
}
