import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columnsFor } from '../migration-columns';

/** Settings changed in the admin UI: one row per key, the value as JSON. */
export class Settings1763870000000 implements MigrationInterface {
  name = 'Settings1763870000000';

  async up(q: QueryRunner): Promise<void> {
    const col = columnsFor(q);
    await q.createTable(
      new Table({
        name: 'settings',
        columns: [{ ...col.text('key', 100), isPrimary: true }, col.json('value'), col.updatedAt()],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('settings');
  }
}
