import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { columnsFor } from '../migration-columns';

/**
 * A/B tests: a campaign's variants and test settings (and the winner once chosen); the hidden child campaigns
 * that send them name their parent, their variant and their slice of the parent's audience. No foreign key on
 * parent_id (SQLite would rebuild the table): children are deleted with their parent by CampaignsService.
 */
export class CampaignAbTests1764420000000 implements MigrationInterface {
  name = 'CampaignAbTests1764420000000';

  async up(q: QueryRunner): Promise<void> {
    const col = columnsFor(q);
    await q.addColumns('campaigns', [
      new TableColumn(col.json('variants', { isNullable: true })),
      new TableColumn(col.json('ab_test', { isNullable: true })),
      new TableColumn(col.int('ab_winner', { isNullable: true })),
      new TableColumn(col.uuid('parent_id', { isNullable: true })),
      new TableColumn(col.int('variant_index', { isNullable: true })),
      new TableColumn(col.json('audience_slice', { isNullable: true })),
    ]);
    await q.createIndex('campaigns', new TableIndex({ name: 'idx_campaigns_parent', columnNames: ['parent_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('campaigns', 'idx_campaigns_parent');
    await q.dropColumns('campaigns', [
      'variants',
      'ab_test',
      'ab_winner',
      'parent_id',
      'variant_index',
      'audience_slice',
    ]);
  }
}
