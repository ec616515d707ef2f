import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { columnsFor } from '../migration-columns';

/**
 * The preference centre's tracking switch (subscribers.tracking_enabled) and the soft-bounce runs,
 * kept per address hash (like suppressions) so that no address is stored in clear for it.
 */
export class PreferencesBounces1763860000000 implements MigrationInterface {
  name = 'PreferencesBounces1763860000000';

  async up(q: QueryRunner): Promise<void> {
    const col = columnsFor(q);
    await q.addColumn(
      'subscribers',
      new TableColumn({ name: 'tracking_enabled', type: 'boolean', default: true, isNullable: false }),
    );
    await q.createTable(
      new Table({
        name: 'soft_bounces',
        columns: [
          { ...col.text('email_hash', 64), isPrimary: true },
          col.int('run', { default: 0 }),
          col.time('last_at', { isNullable: false }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('soft_bounces');
    await q.dropColumn('subscribers', 'tracking_enabled');
  }
}
