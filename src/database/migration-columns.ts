import { TableColumnOptions } from 'typeorm';
import { jsonType, timeType, usesPostgres } from '../config/database-kind';

/** Column shapes shared by the migrations, the same on PostgreSQL and SQLite. */
const now = usesPostgres ? 'now()' : "(strftime('%Y-%m-%d %H:%M:%f', 'now'))";

export const col = {
  id: (): TableColumnOptions => ({
    name: 'id',
    type: usesPostgres ? 'uuid' : 'varchar',
    length: usesPostgres ? undefined : '36',
    isPrimary: true,
    default: usesPostgres ? 'gen_random_uuid()' : undefined,
  }),
  uuid: (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
    name,
    type: usesPostgres ? 'uuid' : 'varchar',
    length: usesPostgres ? undefined : '36',
    ...extra,
  }),
  text: (name: string, length?: number, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
    name,
    type: length ? 'varchar' : 'text',
    length: length ? String(length) : undefined,
    ...extra,
  }),
  int: (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
    name,
    type: 'integer',
    ...extra,
  }),
  json: (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
    name,
    type: jsonType === 'jsonb' ? 'jsonb' : 'text',
    ...extra,
  }),
  time: (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
    name,
    type: timeType,
    isNullable: true,
    ...extra,
  }),
  createdAt: (): TableColumnOptions => ({ name: 'created_at', type: timeType, default: now }),
  updatedAt: (): TableColumnOptions => ({ name: 'updated_at', type: timeType, default: now }),
};
