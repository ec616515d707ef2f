import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnsFor } from '../migration-columns';

/**
 * What a message is, beside its stream: order/API mail, a campaign's, a campaign test send, a subscription
 * confirmation or a preferences link (see MessageKind). Earlier rows are named from what they hold.
 */
export class MessageKind1764150000000 implements MigrationInterface {
  name = 'MessageKind1764150000000';

  async up(q: QueryRunner): Promise<void> {
    const col = columnsFor(q);
    await q.addColumn('messages', new TableColumn(col.text('kind', 32, { default: "'transactional'" })));
    await q.query(`UPDATE messages SET kind = 'campaign' WHERE stream = 'campaign'`);
    await q.query(
      `UPDATE messages SET kind = 'preferences-link' WHERE stream = 'transactional' AND template = 'preferences-link' AND idempotency_key IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('messages', 'kind');
  }
}
