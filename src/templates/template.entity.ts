import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { timeType, nowDefault } from '../database/column-types';
import { TemplateVersion } from './template-version.entity';

import { TemplateKind } from './template-kinds';

/**
 * A stored template. Its content lives in immutable versions; `currentVersion` is what new mail uses.
 * A stored template whose slug names a built-in file template takes its place.
 */
@Entity('templates')
export class Template {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 100, unique: true }) slug: string;
  @Column({ type: 'varchar', length: 16 }) kind: TemplateKind;
  @Column({ type: 'uuid', nullable: true }) currentVersionId: string | null;
  // No foreign key: the version row points back at its template, and both are written in one transaction.
  @ManyToOne(() => TemplateVersion, { createForeignKeyConstraints: false, nullable: true })
  @JoinColumn({ name: 'current_version_id' })
  currentVersion?: TemplateVersion | null;
  @CreateDateColumn({ type: timeType, default: nowDefault }) createdAt: Date;
  @UpdateDateColumn({ type: timeType, default: nowDefault }) updatedAt: Date;
}
