import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Segments at scale (issue 16's benchmark):
 * - segment_snapshots / segment_snapshot_members: the subscribers a segment matched when a campaign's audience
 *   started resolving, so its rules run once per resolve instead of once per 1,000-row page. Rows live only while
 *   a resolve (or a review count) runs; the table is UNLOGGED on PostgreSQL (nothing in it outlives a crash's
 *   interest: a snapshot is taken again by the next resolve, and leftovers are swept by age).
 * - idx_orders_purchases: each customer's purchases (the statuses that count) by address, with the date and total,
 *   so "ordered at least N times", "spent", "last order" read the index alone, grouped in index order.
 * - idx_message_events_human_opens_by_message / _clicks_: a person's human opens (clicks) by message and time, and
 *   idx_messages_subscriber_id (replacing idx_messages_subscriber: the same key, with the message id), so "opened
 *   within N days" finds a subscriber's messages and their opens in the indexes alone (no heap visits).
 */
export class SegmentSnapshots1764500000000 implements MigrationInterface {
  name = 'SegmentSnapshots1764500000000';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.options.type === 'postgres';
    const id = postgres ? 'uuid' : 'varchar(36)';
    const time = postgres ? 'timestamptz' : 'datetime';
    await q.query(`CREATE TABLE segment_snapshots (id ${id} PRIMARY KEY, taken_at ${time} NOT NULL)`);
    await q.query(`CREATE INDEX idx_segment_snapshots_taken_at ON segment_snapshots (taken_at)`);
    await q.query(
      `CREATE ${postgres ? 'UNLOGGED ' : ''}TABLE segment_snapshot_members (` +
        `snapshot_id ${id} NOT NULL, subscriber_id ${id} NOT NULL, PRIMARY KEY (snapshot_id, subscriber_id))`,
    );
    const purchase = `status NOT IN ('cancelled', 'refunded')`;
    await q.query(
      postgres
        ? `CREATE INDEX idx_orders_purchases ON orders (email_key, ordered_at) INCLUDE (total) WHERE ${purchase}`
        : `CREATE INDEX idx_orders_purchases ON orders (email_key, ordered_at, total) WHERE ${purchase}`,
    );
    // The same predicates as idx_message_events_human_opens / _clicks (1764400000000), so the planner matches them.
    const machine = postgres
      ? `(detail ->> 'machine') IS DISTINCT FROM 'true'`
      : `COALESCE(json_extract(detail, '$.machine'), 0) <> 1`;
    const scanner = postgres
      ? `(detail ->> 'scanner') IS DISTINCT FROM 'true'`
      : `COALESCE(json_extract(detail, '$.scanner'), 0) <> 1`;
    await q.query(
      `CREATE INDEX idx_message_events_human_opens_by_message ON message_events (message_id, at) WHERE type = 'opened' AND ${machine}`,
    );
    await q.query(`CREATE INDEX idx_messages_subscriber_id ON messages (subscriber_id, id)`);
    await q.query(`DROP INDEX idx_messages_subscriber`);
    await q.query(
      `CREATE INDEX idx_message_events_human_clicks_by_message ON message_events (message_id, at) WHERE type = 'clicked' AND ${scanner}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX idx_messages_subscriber ON messages (subscriber_id)`);
    await q.query(`DROP INDEX idx_messages_subscriber_id`);
    await q.query(`DROP INDEX idx_message_events_human_clicks_by_message`);
    await q.query(`DROP INDEX idx_message_events_human_opens_by_message`);
    await q.query(`DROP INDEX idx_orders_purchases`);
    await q.query(`DROP TABLE segment_snapshot_members`);
    await q.query(`DROP INDEX idx_segment_snapshots_taken_at`);
    await q.query(`DROP TABLE segment_snapshots`);
  }
}
