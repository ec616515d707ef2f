import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { jsonType, nowDefault, timeType } from '../database/column-types';
import type { Match, RuleInput } from './segment-rules';

/** A saved segment: rules on subscribers, all or any of which must hold. The rules are kept as they were posted. */
@Entity('segments')
export class Segment {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 8 }) match: Match;
  @Column({ type: jsonType }) rules: RuleInput[];
  @CreateDateColumn({ type: timeType, default: nowDefault }) createdAt: Date;
  @UpdateDateColumn({ type: timeType, default: nowDefault }) updatedAt: Date;
}
