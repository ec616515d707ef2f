import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { columnsFor } from '../migration-columns';

/**
 * A campaign may be published in the public archive (/archive/:slug, the RSS feed): the flag, its slug (unique,
 * kept once given so a published address never changes) and when it was last marked for the archive.
 */
export class CampaignArchive1764320000000 implements MigrationInterface {
  name = 'CampaignArchive1764320000000';

  async up(q: QueryRunner): Promise<void> {
    const col = columnsFor(q);
    await q.addColumns('campaigns', [
      new TableColumn({ name: 'archive', type: 'boolean', default: false, isNullable: false }),
      new TableColumn(col.text('archive_slug', 120, { isNullable: true })),
      new TableColumn(col.time('archived_at')),
    ]);
    await q.createIndex(
      'campaigns',
      new TableIndex({ name: 'uq_campaigns_archive_slug', columnNames: ['archive_slug'], isUnique: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('campaigns', 'uq_campaigns_archive_slug');
    await q.dropColumns('campaigns', ['archive', 'archive_slug', 'archived_at']);
  }
}
