import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { timeType, nowDefault } from '../database/column-types';

/**
 * Proof of a subscription: who asked (IP, user agent), where from (source), when, and when it was confirmed.
 * Kept per list; deleted with the subscriber when their data is erased.
 */
@Entity('consents')
@Index(['subscriberId'])
export class Consent {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) subscriberId: string;
  @Column({ type: 'uuid', nullable: true }) listId: string | null;
  @Column({ type: 'varchar', length: 500 }) source: string;
  @Column({ type: 'varchar', length: 64, nullable: true }) ip: string | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) userAgent: string | null;
  /** who recorded it for the person (an import: who started it); null when the person asked themselves */
  @Column({ type: 'varchar', length: 320, nullable: true }) recordedBy: string | null;
  @CreateDateColumn({ type: timeType, default: nowDefault }) createdAt: Date;
  @Column({ type: timeType, nullable: true }) confirmedAt: Date | null;
}
