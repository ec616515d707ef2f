import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { jsonType, nowDefault, timeType } from '../database/column-types';

/** One setting changed in the admin UI (the company's postal address, the sender addresses): key → JSON value. */
@Entity('settings')
export class Setting {
  @PrimaryColumn({ type: 'varchar', length: 100 }) key: string;
  @Column({ type: jsonType }) value: unknown;
  @UpdateDateColumn({ type: timeType, default: nowDefault }) updatedAt: Date;
}
