import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { jsonType, timeType, nowDefault } from '../database/column-types';

import { ApiKeyScope } from './api-key-scopes';

/** A key for machines (the order system). Only the SHA-256 of the key is kept. */
@Entity('api_keys')
export class ApiKey {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  /** The first characters of the key, shown in lists so a person can tell keys apart. */
  @Column({ type: 'varchar', length: 16 }) prefix: string;
  @Column({ type: 'varchar', length: 64, unique: true }) keyHash: string;
  @Column({ type: jsonType }) scopes: ApiKeyScope[];
  @CreateDateColumn({ type: timeType, default: nowDefault }) createdAt: Date;
  @Column({ type: timeType, nullable: true }) lastUsedAt: Date | null;
}
