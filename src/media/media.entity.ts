import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { nowDefault, timeType } from '../database/column-types';

/**
 * An image of the media library. Its file (under DATA_DIR/media or in the S3 bucket) is named `storedName`, which is
 * derived from the file's own bytes (`sha256`): the same image uploaded twice is one row and one file.
 */
@Entity('media')
export class Media {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** `<first 32 hex digits of sha256>.<png|jpg|gif|webp>`: the last part of its public URL */
  @Column({ type: 'varchar', length: 64, unique: true }) storedName: string;
  /** the name the file had on the uploader's machine, shown to editors only */
  @Column({ type: 'varchar', length: 255 }) originalName: string;
  @Column({ type: 'varchar', length: 32 }) mime: string;
  @Column({ type: 'integer' }) width: number;
  @Column({ type: 'integer' }) height: number;
  /** size of the stored (resized, metadata-free) file */
  @Column({ type: 'integer' }) bytes: number;
  /** SHA-256 of the stored file, hex */
  @Column({ type: 'varchar', length: 64, unique: true }) sha256: string;
  @CreateDateColumn({ type: timeType, default: nowDefault }) createdAt: Date;
  /** the user (or API key) who uploaded it; no foreign key, the image outlives them */
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
}
