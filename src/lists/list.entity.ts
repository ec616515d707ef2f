import {
  BeforeInsert,
  BeforeUpdate,
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { nowDefault, timeType } from '../database/column-types';
import { listNameKey } from './list-name-key';

export type OptIn = 'single' | 'double';
/** public: shown on public pages and open to sign-up; private: only an admin adds members, and only its members see it. */
export type ListVisibility = 'public' | 'private';

@Entity('lists')
export class MailingList {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  /** The name as compared for uniqueness (listNameKey), under a unique index; kept in step with it by keyName(). */
  @Column({ type: 'varchar', length: 200, unique: true }) nameKey: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'varchar', length: 8 }) optIn: OptIn;
  @Column({ type: 'varchar', length: 8, default: 'public' }) visibility: ListVisibility;
  @CreateDateColumn({ type: timeType, default: nowDefault }) createdAt: Date;
  @UpdateDateColumn({ type: timeType, default: nowDefault }) updatedAt: Date;

  /** Whoever saves a list (the repository, a test factory), the key follows the name. */
  @BeforeInsert()
  @BeforeUpdate()
  keyName(): void {
    if (typeof this.name === 'string') this.nameKey = listNameKey(this.name);
  }
}
