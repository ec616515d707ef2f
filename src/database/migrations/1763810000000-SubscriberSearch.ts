import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Indexes that keep GET /api/subscribers quick on millions of rows, and cheap for bulk imports:
 * - (created_at, id) for the newest-first page; it replaces the Audience migration's index on created_at alone;
 * - blocklisted subscribers only (a partial index): the rare filter gets an index, imports of enabled rows pay nothing.
 * Searching "email or name contains …" scans the table (about a second for a million rows on PostgreSQL):
 * trigram indexes would make it instant but made a million-row import about three times slower.
 */
export class SubscriberSearch1763810000000 implements MigrationInterface {
  name = 'SubscriberSearch1763810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex(
      'subscribers',
      new TableIndex({ name: 'idx_subscribers_created_id', columnNames: ['created_at', 'id'] }),
    );
    await q.dropIndex('subscribers', 'idx_subscribers_created');
    await q.createIndex(
      'subscribers',
      new TableIndex({
        name: 'idx_subscribers_blocklisted',
        columnNames: ['created_at', 'id'],
        where: "status = 'blocklisted'",
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('subscribers', 'idx_subscribers_blocklisted');
    await q.createIndex(
      'subscribers',
      new TableIndex({ name: 'idx_subscribers_created', columnNames: ['created_at'] }),
    );
    await q.dropIndex('subscribers', 'idx_subscribers_created_id');
  }
}
