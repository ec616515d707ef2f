import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columnsFor } from '../migration-columns';

/** Campaigns, and the link from their messages (created by the Delivery migration) to them. */
export class Campaigns1763840000000 implements MigrationInterface {
  name = 'Campaigns1763840000000';

  async up(q: QueryRunner): Promise<void> {
    const col = columnsFor(q);
    await q.createTable(
      new Table({
        name: 'campaigns',
        columns: [
          col.id(),
          col.text('name', 200),
          col.text('subject', 500),
          col.text('from_name', 200, { isNullable: true }),
          col.text('from_email', 320, { isNullable: true }),
          col.uuid('template_id', { isNullable: true }),
          col.text('template_version_id', 200),
          col.json('list_ids'),
          { name: 'track_opens', type: 'boolean', default: true },
          { name: 'track_clicks', type: 'boolean', default: true },
          col.text('status', 16, { default: "'draft'" }),
          col.time('send_at'),
          col.time('started_at'),
          col.time('prepared_at'),
          col.time('finished_at'),
          col.createdAt(),
          col.updatedAt(),
        ],
        foreignKeys: [
          // A campaign keeps its version when its template is deleted (versions outlive templates).
          new TableForeignKey({
            columnNames: ['template_id'],
            referencedTableName: 'templates',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
        indices: [new TableIndex({ name: 'idx_campaigns_status', columnNames: ['status'] })],
      }),
    );
    await q.createForeignKey(
      'messages',
      new TableForeignKey({
        columnNames: ['campaign_id'],
        referencedTableName: 'campaigns',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const messages = await q.getTable('messages');
    const fk = messages?.foreignKeys.find((k) => k.columnNames.includes('campaign_id'));
    if (fk) await q.dropForeignKey('messages', fk);
    await q.dropTable('campaigns');
  }
}
