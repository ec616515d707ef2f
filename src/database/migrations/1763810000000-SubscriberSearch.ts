import { Logger } from '@nestjs/common';
import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Indexes that keep GET /api/subscribers quick on millions of rows:
 * - (created_at, id) for the newest-first page; it replaces the Audience migration's index on created_at alone;
 * - (status, created_at, id) for the enabled/blocklisted filter;
 * - on PostgreSQL, trigram indexes so "email or name contains …" does not read the whole table.
 *   pg_trgm ships with PostgreSQL and is a trusted extension (13+); if it cannot be created here, search
 *   still works, only by scanning, and the migration says so.
 */
export class SubscriberSearch1763810000000 implements MigrationInterface {
  name = 'SubscriberSearch1763810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('subscribers', new TableIndex({ name: 'idx_subscribers_created_id', columnNames: ['created_at', 'id'] }));
    await q.dropIndex('subscribers', 'idx_subscribers_created');
    await q.createIndex('subscribers', new TableIndex({ name: 'idx_subscribers_status_created', columnNames: ['status', 'created_at', 'id'] }));
    if (q.connection.options.type !== 'postgres') return;
    if (!(await ensureTrigrams(q))) return;
    await q.query('CREATE INDEX idx_subscribers_email_trgm ON subscribers USING gin (email_key gin_trgm_ops)');
    await q.query('CREATE INDEX idx_subscribers_name_trgm ON subscribers USING gin (lower(name) gin_trgm_ops)');
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'postgres') {
      await q.query('DROP INDEX IF EXISTS idx_subscribers_name_trgm');
      await q.query('DROP INDEX IF EXISTS idx_subscribers_email_trgm');
    }
    await q.dropIndex('subscribers', 'idx_subscribers_status_created');
    await q.createIndex('subscribers', new TableIndex({ name: 'idx_subscribers_created', columnNames: ['created_at'] }));
    await q.dropIndex('subscribers', 'idx_subscribers_created_id');
  }
}

/** Creates pg_trgm if missing; a refusal (no privilege, no contrib package) is rolled back to a savepoint. */
async function ensureTrigrams(q: QueryRunner): Promise<boolean> {
  const installed = await q.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'`);
  if (installed.length > 0) return true;
  const savepoint = q.isTransactionActive;
  if (savepoint) await q.query('SAVEPOINT create_pg_trgm');
  try {
    await q.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    if (savepoint) await q.query('RELEASE SAVEPOINT create_pg_trgm');
    return true;
  } catch (err) {
    if (savepoint) await q.query('ROLLBACK TO SAVEPOINT create_pg_trgm');
    new Logger('Migrations').warn(`pg_trgm is not available (${(err as Error).message}): subscriber search will scan the table`);
    return false;
  }
}
