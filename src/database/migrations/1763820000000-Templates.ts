import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columnsFor } from '../migration-columns';

/** Stored templates and their immutable versions. */
export class Templates1763820000000 implements MigrationInterface {
  name = 'Templates1763820000000';

  async up(q: QueryRunner): Promise<void> {
    const col = columnsFor(q);
    await q.createTable(
      new Table({
        name: 'templates',
        columns: [
          col.id(),
          col.text('name', 200),
          col.text('slug', 100, { isUnique: true }),
          col.text('kind', 16),
          col.uuid('current_version_id', { isNullable: true }),
          col.createdAt(),
          col.updatedAt(),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'template_versions',
        columns: [
          col.id(),
          col.uuid('template_id', { isNullable: true }),
          col.int('number'),
          col.text('subject'),
          col.text('mjml'),
          col.text('text', undefined, { isNullable: true }),
          col.json('required'),
          col.createdAt(),
        ],
        foreignKeys: [
          // Versions outlive their template: a campaign may still send one.
          new TableForeignKey({
            columnNames: ['template_id'],
            referencedTableName: 'templates',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
        indices: [
          new TableIndex({
            name: 'idx_template_versions_template_number',
            columnNames: ['template_id', 'number'],
            isUnique: true,
          }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('template_versions');
    await q.dropTable('templates');
  }
}
