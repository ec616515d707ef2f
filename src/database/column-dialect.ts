import { getMetadataArgsStorage } from 'typeorm';
import { ColumnOptions } from 'typeorm/decorator/options/ColumnOptions';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { nowDefault } from './column-types';

export type DatabaseKind = 'postgres' | 'sqlite';

/** The SQLite types of the PostgreSQL ones entities declare (column-types.ts). */
const SQLITE_TYPES: Record<string, ColumnOptions['type']> = { timestamptz: 'datetime', jsonb: 'simple-json' };

/**
 * "Now" on SQLite. TypeORM writes its own default into every SQLite INSERT, and that one (datetime('now')) has whole
 * seconds, which makes newest-first order a coin toss.
 */
export const sqliteNow = (): string => "(strftime('%Y-%m-%d %H:%M:%f', 'now'))";

/** Each column's type and default as its entity declared them, so adapting can be undone (a test may open both). */
const declared = new WeakMap<object, { type: ColumnOptions['type']; default: unknown }>();

/**
 * Gives every entity column the types of `kind`: PostgreSQL's as declared, or SQLite's. Changes TypeORM's decorator
 * records (getMetadataArgsStorage), which a DataSource copies when it is built, so it must run before; the entity
 * files are imported first for that. Idempotent, and reversible by calling it with the other kind.
 */
export function adaptColumnsTo(kind: DatabaseKind): void {
  loadEntityFiles();
  for (const { options } of getMetadataArgsStorage().columns) {
    let original = declared.get(options);
    if (!original) {
      original = { type: options.type, default: options.default as unknown };
      declared.set(options, original);
    }
    const sqlite = kind === 'sqlite';
    const type =
      sqlite && typeof original.type === 'string' ? (SQLITE_TYPES[original.type] ?? original.type) : original.type;
    const defaultValue = sqlite && original.default === nowDefault ? sqliteNow : original.default;
    if (options.type !== type) options.type = type;
    if (options.default !== defaultValue) options.default = defaultValue;
  }
}

/** The entity files, found by name like the DataSource's `entities` glob (src/**\/*.entity.ts, or .js once built). */
export function entityFiles(root = join(__dirname, '..')): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) found.push(...entityFiles(path));
    else if (/\.entity\.(ts|js)$/.test(entry.name)) found.push(path);
  }
  return found;
}

let loaded = false;

/** Imports every entity file once, so their columns are recorded before they are adapted. */
function loadEntityFiles(): void {
  if (loaded) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the files are only known at run time
  for (const file of entityFiles()) require(file);
  loaded = true;
}
