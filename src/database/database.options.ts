import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';
import { DatabaseConfig } from '../config/app-config';
import { adaptColumnsTo } from './column-dialect';

/** Entities and migrations are found by file name, so a new feature needs no edit here. */
const entities = [join(__dirname, '..', '**', '*.entity.{ts,js}')];
const migrations = [join(__dirname, 'migrations', '*.{ts,js}')];

/** The options of a DataSource for `db`; the entities' column types are made that database's first. */
export function dataSourceOptions(db: DatabaseConfig): DataSourceOptions {
  adaptColumnsTo(db.kind);
  const common = {
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    namingStrategy: new SnakeNamingStrategy(),
  } as const;
  if (db.kind === 'postgres') {
    return { ...common, type: 'postgres', url: db.url, extra: { max: 10 } };
  }
  mkdirSync(dirname(db.path), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: db.path,
    // WAL lets the API read while an import writes; busy_timeout waits for the writer instead of failing.
    prepareDatabase: (sqlite: { pragma(sql: string): unknown }) => {
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('busy_timeout = 10000');
      sqlite.pragma('foreign_keys = ON');
      sqlite.pragma('synchronous = NORMAL');
    },
  };
}
