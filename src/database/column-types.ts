/**
 * Column types as entities declare them: PostgreSQL's. Entities are decorated when their files are imported, before
 * the configuration is known, so they cannot pick a dialect; dataSourceOptions adapts these to SQLite's when the
 * configured database is SQLite (see column-dialect.ts).
 */

/** A time column: timestamptz on PostgreSQL, datetime (UTC) on SQLite. */
export const timeType = 'timestamptz';
/** A JSON column: jsonb on PostgreSQL, JSON text on SQLite. */
export const jsonType = 'jsonb';
/** "Now" as a column default for @CreateDateColumn/@UpdateDateColumn (on SQLite: with milliseconds, see column-dialect.ts). */
export const nowDefault = (): string => 'now()';
