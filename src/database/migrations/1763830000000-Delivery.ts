import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columnsFor } from '../migration-columns';

/** The message log of both streams, its events, and the suppression list. */
export class Delivery1763830000000 implements MigrationInterface {
  name = 'Delivery1763830000000';

  async up(q: QueryRunner): Promise<void> {
    const col = columnsFor(q);
    await q.createTable(
      new Table({
        name: 'messages',
        columns: [
          col.id(),
          col.text('stream', 16),
          // The foreign key to campaigns comes with the campaigns migration.
          col.uuid('campaign_id', { isNullable: true }),
          // No foreign key: the log outlives the erasure of the subscriber.
          col.uuid('subscriber_id', { isNullable: true }),
          col.text('to_email', 320),
          col.text('to_name', 200, { default: "''" }),
          col.text('template', 200),
          col.text('template_version_id', 200, { isNullable: true }),
          col.json('data', { isNullable: true }),
          col.text('status', 16),
          col.int('attempts', { default: 0 }),
          col.text('idempotency_key', 300, { isNullable: true, isUnique: true }),
          col.text('smtp_message_id', 300, { isNullable: true }),
          col.text('last_error', undefined, { isNullable: true }),
          col.createdAt(),
          col.updatedAt(),
          col.time('sent_at'),
        ],
        indices: [
          new TableIndex({
            name: 'idx_messages_campaign_subscriber',
            columnNames: ['campaign_id', 'subscriber_id'],
            isUnique: true,
          }),
          new TableIndex({ name: 'idx_messages_campaign_status', columnNames: ['campaign_id', 'status'] }),
          new TableIndex({ name: 'idx_messages_to_email', columnNames: ['to_email'] }),
          new TableIndex({ name: 'idx_messages_created_at', columnNames: ['created_at'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'message_events',
        columns: [
          col.id(),
          col.uuid('message_id'),
          col.text('type', 32),
          col.time('at', { isNullable: false }),
          col.json('detail', { isNullable: true }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['message_id'],
            referencedTableName: 'messages',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
        indices: [new TableIndex({ name: 'idx_message_events_message_at', columnNames: ['message_id', 'at'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'suppressions',
        columns: [
          { ...col.text('email_hash', 64), isPrimary: true },
          col.text('reason', 16),
          col.text('detail', undefined, { isNullable: true }),
          col.createdAt(),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('suppressions');
    await q.dropTable('message_events');
    await q.dropTable('messages');
  }
}
