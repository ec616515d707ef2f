import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { jsonType, timeType, nowDefault } from '../database/column-types';

export type ImportStatus = 'queued' | 'running' | 'done' | 'failed';
export type ImportMode = 'subscribe' | 'blocklist';
/**
 * For double opt-in lists: `send` puts new members on them unconfirmed and mails each one the confirmation;
 * `consented` (the editor has their consent already) confirms them at once and sends nothing.
 */
export type ImportConfirmation = 'send' | 'consented';
export interface ImportRowError {
  row: number;
  message: string;
}

/** One CSV import: the uploaded file stays on disk until the job is done, the progress lives here. */
@Entity('imports')
export class Import {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 16 }) status: ImportStatus;
  @Column({ type: 'varchar', length: 16 }) mode: ImportMode;
  @Column({ type: jsonType }) listIds: string[];
  @Column({ type: 'varchar', length: 500 }) filePath: string;
  /** who started it: a user's email or `API key <name>`; consent records of the people it asks name it */
  @Column({ type: 'varchar', length: 320, nullable: true }) createdBy: string | null;
  @Column({ type: 'varchar', length: 300 }) fileName: string;
  @Column({ type: 'integer', default: 0 }) total: number;
  @Column({ type: 'integer', default: 0 }) imported: number;
  @Column({ type: 'integer', default: 0 }) updated: number;
  @Column({ type: 'integer', default: 0 }) skipped: number;
  /** The first rejected rows (capped, see ImportProcessor); `skipped` counts them all. */
  @Column({ type: jsonType }) errors: ImportRowError[];
  @Column({ type: 'text', nullable: true }) failure: string | null;
  /** What was chosen for the double opt-in lists; null when the import has none (or blocklists). */
  @Column({ type: 'varchar', length: 16, nullable: true }) confirmation: ImportConfirmation | null;
  /** Confirmation mails queued (one per person awaiting confirmation, whatever the number of lists). */
  @Column({ type: 'integer', default: 0 }) confirmationsSent: number;
  @CreateDateColumn({ type: timeType, default: nowDefault }) createdAt: Date;
  @Column({ type: timeType, nullable: true }) startedAt: Date | null;
  @Column({ type: timeType, nullable: true }) finishedAt: Date | null;
}
