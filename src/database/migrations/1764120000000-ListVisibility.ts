import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnsFor } from '../migration-columns';

/** Lists are public (shown on public pages, open to sign-up) or private (only admins add members). */
export class ListVisibility1764120000000 implements MigrationInterface {
  name = 'ListVisibility1764120000000';

  async up(q: QueryRunner): Promise<void> {
    const col = columnsFor(q);
    await q.addColumn('lists', new TableColumn(col.text('visibility', 8, { default: "'public'" })));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('lists', 'visibility');
  }
}
