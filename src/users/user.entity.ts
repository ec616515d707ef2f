import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { timeType, nowDefault } from '../database/column-types';

import { Role } from './roles';

/** A person who works in the service (admin UI or API). Email is stored lower-case. */
@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 320, unique: true }) email: string;
  @Column({ type: 'varchar', length: 100 }) passwordHash: string;
  @Column({ type: 'varchar', length: 16 }) role: Role;
  /** Every admin session and access token names the epoch it was issued in; bumping it ends them all. */
  @Column({ type: 'integer', default: 0 }) sessionEpoch: number;
  /** IANA name (Europe/Berlin): the admin takes and shows times in it */
  @Column({ type: 'varchar', length: 64, default: 'UTC' }) timeZone: string;
  @CreateDateColumn({ type: timeType, default: nowDefault }) createdAt: Date;
  @UpdateDateColumn({ type: timeType, default: nowDefault }) updatedAt: Date;
}
