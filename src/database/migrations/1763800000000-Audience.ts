import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columnsFor } from '../migration-columns';

/** Users, API keys, lists, subscribers, subscriptions, consent records and imports. */
export class Audience1763800000000 implements MigrationInterface {
  name = 'Audience1763800000000';

  async up(q: QueryRunner): Promise<void> {
    const col = columnsFor(q);
    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          col.id(),
          col.text('email', 320, { isUnique: true }),
          col.text('password_hash', 100),
          col.text('role', 16),
          col.createdAt(),
          col.updatedAt(),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          col.id(),
          col.text('name', 200),
          col.text('prefix', 16),
          col.text('key_hash', 64, { isUnique: true }),
          col.json('scopes'),
          col.createdAt(),
          col.time('last_used_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'lists',
        columns: [
          col.id(),
          col.text('name', 200),
          col.text('description', undefined, { isNullable: true }),
          col.text('opt_in', 8),
          col.createdAt(),
          col.updatedAt(),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'subscribers',
        columns: [
          col.id(),
          col.text('email', 320),
          col.text('email_key', 320, { isUnique: true }),
          col.text('name', 200, { default: "''" }),
          col.json('attributes'),
          col.text('status', 16, { default: "'enabled'" }),
          col.createdAt(),
          col.updatedAt(),
        ],
        indices: [new TableIndex({ name: 'idx_subscribers_created', columnNames: ['created_at'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'subscriptions',
        columns: [
          col.uuid('subscriber_id', { isPrimary: true }),
          col.uuid('list_id', { isPrimary: true }),
          col.text('status', 16),
          col.time('confirmed_at'),
          col.time('unsubscribed_at'),
          col.createdAt(),
          col.updatedAt(),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['subscriber_id'],
            referencedTableName: 'subscribers',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
          new TableForeignKey({
            columnNames: ['list_id'],
            referencedTableName: 'lists',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
        indices: [new TableIndex({ name: 'idx_subscriptions_list_status', columnNames: ['list_id', 'status'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'consents',
        columns: [
          col.id(),
          col.uuid('subscriber_id'),
          col.uuid('list_id', { isNullable: true }),
          col.text('source', 500),
          col.text('ip', 64, { isNullable: true }),
          col.text('user_agent', 500, { isNullable: true }),
          col.createdAt(),
          col.time('confirmed_at'),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['subscriber_id'],
            referencedTableName: 'subscribers',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
          new TableForeignKey({
            columnNames: ['list_id'],
            referencedTableName: 'lists',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
        indices: [new TableIndex({ name: 'idx_consents_subscriber', columnNames: ['subscriber_id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'imports',
        columns: [
          col.id(),
          col.text('status', 16),
          col.text('mode', 16),
          col.json('list_ids'),
          col.text('file_path', 500),
          col.text('file_name', 300),
          col.int('total', { default: 0 }),
          col.int('imported', { default: 0 }),
          col.int('updated', { default: 0 }),
          col.int('skipped', { default: 0 }),
          col.json('errors'),
          col.text('failure', undefined, { isNullable: true }),
          col.createdAt(),
          col.time('started_at'),
          col.time('finished_at'),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['imports', 'consents', 'subscriptions', 'subscribers', 'lists', 'api_keys', 'users']) {
      await q.dropTable(table);
    }
  }
}
