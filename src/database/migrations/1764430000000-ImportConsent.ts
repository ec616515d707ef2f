import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnsFor } from '../migration-columns';

/**
 * Who started an import (a user's email, or an API key's name), and on a consent record who recorded it for the
 * person (an import: that same name; a sign-up of the person's own: none).
 */
export class ImportConsent1764430000000 implements MigrationInterface {
  name = 'ImportConsent1764430000000';

  async up(q: QueryRunner): Promise<void> {
    const col = columnsFor(q);
    await q.addColumn('imports', new TableColumn(col.text('created_by', 320, { isNullable: true })));
    await q.addColumn('consents', new TableColumn(col.text('recorded_by', 320, { isNullable: true })));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('consents', 'recorded_by');
    await q.dropColumn('imports', 'created_by');
  }
}
