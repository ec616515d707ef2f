import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnsFor } from '../migration-columns';

/** The bounce log (src/bounces/bounce.entity.ts): every bounce and complaint read, by address hash and domain. */
export class BounceLog1764200000000 implements MigrationInterface {
  name = 'BounceLog1764200000000';

  async up(q: QueryRunner): Promise<void> {
    const col = columnsFor(q);
    await q.createTable(
      new Table({
        name: 'bounces',
        columns: [
          col.id(),
          col.time('at', { isNullable: false }),
          col.text('type', 16),
          col.text('reason', 32),
          col.text('source', 16),
          col.text('domain', 255, { isNullable: true }),
          col.text('email_hash', 64, { isNullable: true }),
          // No foreign keys: the log outlives the messages and campaigns it names.
          col.uuid('message_id', { isNullable: true }),
          col.uuid('campaign_id', { isNullable: true }),
          col.text('detail', undefined, { isNullable: true }),
          { name: 'suppressed', type: 'boolean', default: false, isNullable: false },
        ],
        indices: [
          new TableIndex({ name: 'idx_bounces_at', columnNames: ['at'] }),
          new TableIndex({ name: 'idx_bounces_campaign_type', columnNames: ['campaign_id', 'type'] }),
          new TableIndex({ name: 'idx_bounces_email_hash', columnNames: ['email_hash'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('bounces');
  }
}
