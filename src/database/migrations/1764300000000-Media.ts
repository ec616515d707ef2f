import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnsFor } from '../migration-columns';

/** The media library (src/media/media.entity.ts): uploaded images, one row per distinct stored file. */
export class Media1764300000000 implements MigrationInterface {
  name = 'Media1764300000000';

  async up(q: QueryRunner): Promise<void> {
    const col = columnsFor(q);
    await q.createTable(
      new Table({
        name: 'media',
        columns: [
          col.id(),
          col.text('stored_name', 64, { isNullable: false }),
          col.text('original_name', 255, { isNullable: false }),
          col.text('mime', 32, { isNullable: false }),
          col.int('width', { isNullable: false }),
          col.int('height', { isNullable: false }),
          col.int('bytes', { isNullable: false }),
          col.text('sha256', 64, { isNullable: false }),
          col.createdAt(),
          col.uuid('created_by', { isNullable: true }),
        ],
        indices: [
          new TableIndex({ name: 'uq_media_stored_name', columnNames: ['stored_name'], isUnique: true }),
          new TableIndex({ name: 'uq_media_sha256', columnNames: ['sha256'], isUnique: true }),
          new TableIndex({ name: 'idx_media_created_at', columnNames: ['created_at'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('media');
  }
}
