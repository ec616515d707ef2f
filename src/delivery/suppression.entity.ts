import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { nowDefault, timeType } from '../database/column-types';

export type SuppressionReason = 'hard-bounce' | 'complaint' | 'erased';

/**
 * An address that never gets campaign mail again. Kept as a hash (see suppressionHash) so that the
 * address of an erased person is not kept in clear.
 */
@Entity('suppressions')
export class Suppression {
  @PrimaryColumn({ type: 'varchar', length: 64 }) emailHash: string;
  @Column({ type: 'varchar', length: 16 }) reason: SuppressionReason;
  @Column({ type: 'text', nullable: true }) detail: string | null;
  @CreateDateColumn({ type: timeType, default: nowDefault }) createdAt: Date;
}
