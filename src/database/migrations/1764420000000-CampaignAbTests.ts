import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A/B tests: a campaign's variants and test settings (and the winner once chosen); the hidden child campaigns
 * that send them name their parent, their variant and their slice of the parent's audience. No foreign key on
 * parent_id (SQLite would rebuild the table): children are deleted with their parent by CampaignsService.
 * Columns are added with plain `ALTER TABLE … ADD COLUMN`: TypeORM's addColumns rebuilds a SQLite table from
 * what it reads of it, and that rebuild dropped `segment_id` (added in place, with an inline REFERENCES, by
 * 1764400000000-OrdersSegments).
 */
export class CampaignAbTests1764420000000 implements MigrationInterface {
  name = 'CampaignAbTests1764420000000';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.options.type === 'postgres';
    const json = postgres ? 'jsonb' : 'text';
    const columns = [
      `variants ${json}`,
      `ab_test ${json}`,
      'ab_winner integer',
      `parent_id ${postgres ? 'uuid' : 'varchar(36)'}`,
      'variant_index integer',
      `audience_slice ${json}`,
    ];
    for (const column of columns) await q.query(`ALTER TABLE campaigns ADD COLUMN ${column} NULL`);
    await q.query('CREATE INDEX idx_campaigns_parent ON campaigns (parent_id)');
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
