import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { nowDefault, timeType } from '../config/database-kind';

export type OptIn = 'single' | 'double';

@Entity('lists')
export class MailingList {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'varchar', length: 8 }) optIn: OptIn;
  @CreateDateColumn({ type: timeType, default: nowDefault }) createdAt: Date;
  @UpdateDateColumn({ type: timeType, default: nowDefault }) updatedAt: Date;
}
