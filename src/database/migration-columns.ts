import { QueryRunner, TableColumnOptions } from 'typeorm';
import { sqliteNow } from './column-dialect';
import { nowDefault } from './column-types';

/**
 * Column shapes shared by the migrations, the same on PostgreSQL and SQLite: `const col = columnsFor(q)` at the top
 * of a migration's up(), for the database it runs on.
 */
export function columnsFor(q: QueryRunner) {
  const postgres = q.connection.options.type === 'postgres';
  const timeType = postgres ? 'timestamptz' : 'datetime';
  const now = postgres ? nowDefault() : sqliteNow();
  return {
    id: (): TableColumnOptions => ({
      name: 'id',
      type: postgres ? 'uuid' : 'varchar',
      length: postgres ? undefined : '36',
      isPrimary: true,
      default: postgres ? 'gen_random_uuid()' : undefined,
    }),
    uuid: (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: postgres ? 'uuid' : 'varchar',
      length: postgres ? undefined : '36',
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
      type: postgres ? 'jsonb' : 'text',
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
}
