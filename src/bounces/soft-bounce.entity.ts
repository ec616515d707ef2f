import { Column, Entity, PrimaryColumn } from 'typeorm';
import { timeType } from '../database/column-types';

/**
 * The current run of soft bounces of one address, kept by the address's hash (see suppressionHash)
 * like the suppression list. Three in a row suppress the address; see BouncesService for what resets a run.
 */
@Entity('soft_bounces')
export class SoftBounce {
  @PrimaryColumn({ type: 'varchar', length: 64 }) emailHash: string;
  @Column({ type: 'integer', default: 0 }) run: number;
  @Column({ type: timeType }) lastAt: Date;
}
