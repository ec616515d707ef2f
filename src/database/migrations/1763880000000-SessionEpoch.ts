import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnsFor } from '../migration-columns';

/** Bumped to end every session and access token of a user at once (sign-out, new password). */
export class SessionEpoch1763880000000 implements MigrationInterface {
  name = 'SessionEpoch1763880000000';

  async up(q: QueryRunner): Promise<void> {
    const col = columnsFor(q);
    await q.addColumn('users', new TableColumn(col.int('session_epoch', { default: 0 })));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('users', 'session_epoch');
  }
}
