import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnsFor } from '../migration-columns';

/** Each user's time zone (an IANA name): the admin shows and takes times in it. */
export class UserTimeZone1764320000001 implements MigrationInterface {
  name = 'UserTimeZone1764320000001';

  async up(q: QueryRunner): Promise<void> {
    const col = columnsFor(q);
    await q.addColumn('users', new TableColumn(col.text('time_zone', 64, { default: "'UTC'" })));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('users', 'time_zone');
  }
}
