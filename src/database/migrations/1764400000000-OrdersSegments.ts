import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnsFor } from '../migration-columns';

/**
 * Issue 16, segments:
 * - `orders`: the order history from order events (src/orders), one row per shop order id, found by address key;
 * - `segments`: saved rules (src/segments);
 * - `campaigns.segment_id`: a campaign's audience may be narrowed to a segment. A segment in use cannot be deleted
 *   (RESTRICT), so a campaign never silently widens to the whole of its lists. Added in place (ALTER TABLE … ADD
 *   COLUMN … REFERENCES), which SQLite allows for a nullable column, rather than by rebuilding the table;
 * - the indexes segment rules read: a person's messages (messages.subscriber_id) and, partial, human opens and
 *   clicks by time (the same expressions as SegmentDialect.humanOpen / humanClick, or the planner will not use them).
 */
export class OrdersSegments1764400000000 implements MigrationInterface {
  name = 'OrdersSegments1764400000000';

  async up(q: QueryRunner): Promise<void> {
    const col = columnsFor(q);
    const postgres = q.connection.options.type === 'postgres';
    await q.createTable(
      new Table({
        name: 'orders',
        columns: [
          col.id(),
          col.text('order_id', 150, { isNullable: false }),
          col.text('email_key', 320, { isNullable: false }),
          col.text('email', 320, { isNullable: false }),
          col.text('status', 16, { isNullable: false }),
          col.time('ordered_at', { isNullable: false }),
          { name: 'total', type: postgres ? 'double precision' : 'real', isNullable: true },
          col.text('currency', 3, { isNullable: true }),
          col.json('items', { isNullable: false }),
          col.json('statuses', { isNullable: false }),
          col.createdAt(),
          col.updatedAt(),
        ],
        indices: [
          new TableIndex({ name: 'uq_orders_order_id', columnNames: ['order_id'], isUnique: true }),
          new TableIndex({ name: 'idx_orders_email_key', columnNames: ['email_key', 'ordered_at'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'segments',
        columns: [
          col.id(),
          col.text('name', 200, { isNullable: false }),
          col.text('match', 8, { isNullable: false }),
          col.json('rules', { isNullable: false }),
          col.createdAt(),
          col.updatedAt(),
        ],
      }),
    );
    await q.query(
      `ALTER TABLE campaigns ADD COLUMN segment_id ${postgres ? 'uuid' : 'varchar(36)'} NULL REFERENCES segments (id) ON DELETE RESTRICT`,
    );
    await q.query(`CREATE INDEX idx_campaigns_segment ON campaigns (segment_id)`);
    await q.query(`CREATE INDEX idx_messages_subscriber ON messages (subscriber_id)`);
    const machine = postgres
      ? `(detail ->> 'machine') IS DISTINCT FROM 'true'`
      : `COALESCE(json_extract(detail, '$.machine'), 0) <> 1`;
    const scanner = postgres
      ? `(detail ->> 'scanner') IS DISTINCT FROM 'true'`
      : `COALESCE(json_extract(detail, '$.scanner'), 0) <> 1`;
    await q.query(
      `CREATE INDEX idx_message_events_human_opens ON message_events (at, message_id) WHERE type = 'opened' AND ${machine}`,
    );
    await q.query(
      `CREATE INDEX idx_message_events_human_clicks ON message_events (at, message_id) WHERE type = 'clicked' AND ${scanner}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_message_events_human_clicks`);
    await q.query(`DROP INDEX idx_message_events_human_opens`);
    await q.query(`DROP INDEX idx_messages_subscriber`);
    await q.query(`DROP INDEX idx_campaigns_segment`);
    await q.dropColumn('campaigns', 'segment_id');
    await q.dropTable('segments');
    await q.dropTable('orders');
  }
}
