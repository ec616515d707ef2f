/**
 * Column types differ between PostgreSQL and SQLite, and TypeORM needs them when the entity
 * classes are declared, before any module is built. So this one read of DATABASE_URL happens at import.
 */
export const usesPostgres = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '');

/** A time column: timestamptz on PostgreSQL, datetime (UTC) on SQLite. */
export const timeType = usesPostgres ? 'timestamptz' : 'datetime';
/** A JSON column: jsonb on PostgreSQL, JSON text on SQLite. */
export const jsonType = usesPostgres ? 'jsonb' : 'simple-json';
