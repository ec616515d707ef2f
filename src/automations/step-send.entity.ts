import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { nowDefault, timeType } from '../database/column-types';

/**
 * A step's mail to one person: unique per (automation, person, step), written in the same transaction as its
 * message, so a step can only ever be sent once to someone. `sunsetDueAt`: when to check that a sunset step's
 * mail was opened; cleared once checked. Goes with the subscriber (ON DELETE CASCADE).
 */
@Entity('automation_step_sends')
@Index('uq_automation_step_sends_person_step', ['automationId', 'subscriberId', 'stepIndex'], { unique: true })
@Index('idx_automation_step_sends_step', ['automationId', 'stepIndex'])
@Index('idx_automation_step_sends_sunset', ['sunsetDueAt'])
export class AutomationStepSend {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) automationId: string;
  @Column({ type: 'uuid' }) subscriberId: string;
  @Column({ type: 'integer' }) stepIndex: number;
  @Column({ type: 'uuid' }) messageId: string;
  @Column({ type: timeType, nullable: true }) sunsetDueAt: Date | null;
  @CreateDateColumn({ type: timeType, default: nowDefault }) createdAt: Date;
}
