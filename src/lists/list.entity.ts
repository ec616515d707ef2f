import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { nowDefault, timeType } from '../database/column-types';

export type OptIn = 'single' | 'double';
/** public: shown on public pages and open to sign-up; private: only an admin adds members, and only its members see it. */
export type ListVisibility = 'public' | 'private';

@Entity('lists')
export class MailingList {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'varchar', length: 8 }) optIn: OptIn;
  @Column({ type: 'varchar', length: 8, default: 'public' }) visibility: ListVisibility;
  @CreateDateColumn({ type: timeType, default: nowDefault }) createdAt: Date;
  @UpdateDateColumn({ type: timeType, default: nowDefault }) updatedAt: Date;
}
