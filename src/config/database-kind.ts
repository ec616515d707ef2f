/**
 * Column types differ between PostgreSQL and SQLite, and TypeORM needs them when the entity
 * classes are declared, before any module is built. So this one read of DATABASE_URL happens at import.
 */
export const usesPostgres = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '');

/** A time column: timestamptz on PostgreSQL, datetime (UTC) on SQLite. */
export const timeType = usesPostgres ? 'timestamptz' : 'datetime';
/** A JSON column: jsonb on PostgreSQL, JSON text on SQLite. */
export const jsonType = usesPostgres ? 'jsonb' : 'simple-json';

/**
 * "Now" as a column default for @CreateDateColumn/@UpdateDateColumn. TypeORM writes its own default into
 * every SQLite INSERT, and that one (datetime('now')) has whole seconds, which makes newest-first order a coin toss.
 */
export const nowDefault = () => (usesPostgres ? 'now()' : "(strftime('%Y-%m-%d %H:%M:%f', 'now'))");
