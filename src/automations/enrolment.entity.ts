import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { nowDefault, timeType } from '../database/column-types';

/** waiting for its next step; done: every step went; left: unsubscribed, erased, suppressed, or the automation stopped. */
export type EnrolmentStatus = 'active' | 'done' | 'left';

/**
 * One person in one automation, at most once (unique key): a replayed event or a second confirmation enrols
 * nobody twice. `nextStep` / `nextDueAt` say what the sweep sends next and when; they move only by a
 * compare-and-set on `nextStep`, in the transaction that writes that step's send row and message.
 * Goes with the subscriber (ON DELETE CASCADE): an erased person leaves no trace here.
 */
@Entity('automation_enrolments')
@Index('uq_automation_enrolments_person', ['automationId', 'subscriberId'], { unique: true })
@Index('idx_automation_enrolments_due', ['status', 'nextDueAt'])
export class AutomationEnrolment {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) automationId: string;
  @Column({ type: 'uuid' }) subscriberId: string;
  @Column({ type: 'integer', default: 0 }) nextStep: number;
  @Column({ type: timeType, nullable: true }) nextDueAt: Date | null;
  @Column({ type: 'varchar', length: 16, default: 'active' }) status: EnrolmentStatus;
  /** why it left (unsubscribed, suppressed, stopped…) */
  @Column({ type: 'varchar', length: 64, nullable: true }) leftReason: string | null;
  @CreateDateColumn({ type: timeType, default: nowDefault }) enrolledAt: Date;
}
