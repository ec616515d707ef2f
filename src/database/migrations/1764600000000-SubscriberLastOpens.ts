import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * subscriber_last_opens: when each subscriber last opened a mail as a person (a privacy proxy's open does not
 * count), kept by a trigger on message_events, so "opened within N days" / "never opened" (segments, the
 * automations' `inactive` trigger) is one primary-key probe per person instead of a walk over the person's
 * messages and their events (issue 16: a segment count over 1M subscribers spent most of its time there).
 *
 * A trigger rather than the code that writes opens: every writer of an open event (the pixel's batches, a
 * bulk load) keeps it right, in the same transaction. The row goes with its subscriber (erasure deletes the
 * subscriber). Open events are never deleted, nor turned into machine opens afterwards (erasure scrubs
 * addresses out of details, not the flag), so the time only ever moves forward.
 * The two indexes of human opens (by time, by message) had no other reader than those rules: they are dropped, so
 * an open, the write the pixel makes for every mail opened, updates two indexes fewer. ("Opened campaign X" finds
 * the person's message of X, then its events by idx_message_events_message_at.)
 * PostgreSQL: one statement-level trigger per INSERT, over its transition table, grouped by subscriber in id
 * order (two concurrent batches lock the rows they share in the same order: no deadlock). SQLite: per row.
 */
export class SubscriberLastOpens1764600000000 implements MigrationInterface {
  name = 'SubscriberLastOpens1764600000000';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.options.type === 'postgres';
    const id = postgres ? 'uuid' : 'varchar(36)';
    const time = postgres ? 'timestamptz' : 'datetime';
    await q.query(
      `CREATE TABLE subscriber_last_opens (subscriber_id ${id} PRIMARY KEY` +
        ` REFERENCES subscribers (id) ON DELETE CASCADE, opened_at ${time} NOT NULL)`,
    );
    const human = (alias: string) => humanOpen(postgres, `${alias}.detail`);
    await q.query(
      `INSERT INTO subscriber_last_opens (subscriber_id, opened_at)
       SELECT m.subscriber_id, MAX(e.at) FROM message_events e JOIN messages m ON m.id = e.message_id
        WHERE e.type = 'opened' AND ${human('e')} AND m.subscriber_id IS NOT NULL
        GROUP BY m.subscriber_id`,
    );
    await q.query(`DROP INDEX idx_message_events_human_opens`);
    await q.query(`DROP INDEX idx_message_events_human_opens_by_message`);
    if (postgres) {
      await q.query(
        `CREATE FUNCTION note_human_opens() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           INSERT INTO subscriber_last_opens (subscriber_id, opened_at)
           SELECT m.subscriber_id, MAX(n.at) FROM new_events n JOIN messages m ON m.id = n.message_id
            WHERE n.type = 'opened' AND ${human('n')} AND m.subscriber_id IS NOT NULL
            GROUP BY m.subscriber_id ORDER BY m.subscriber_id
           ON CONFLICT (subscriber_id) DO UPDATE SET opened_at = EXCLUDED.opened_at
            WHERE subscriber_last_opens.opened_at < EXCLUDED.opened_at;
           RETURN NULL;
         END $$`,
      );
      await q.query(
        `CREATE TRIGGER message_events_note_human_opens AFTER INSERT ON message_events
         REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION note_human_opens()`,
      );
      return;
    }
    // "WHERE" in the SELECT: SQLite's parser needs it to tell ON CONFLICT from a join's ON.
    await q.query(
      `CREATE TRIGGER message_events_note_human_opens AFTER INSERT ON message_events
       WHEN NEW.type = 'opened' AND ${human('NEW')}
       BEGIN
         INSERT INTO subscriber_last_opens (subscriber_id, opened_at)
         SELECT m.subscriber_id, NEW.at FROM messages m WHERE m.id = NEW.message_id AND m.subscriber_id IS NOT NULL
         ON CONFLICT (subscriber_id) DO UPDATE SET opened_at = excluded.opened_at
          WHERE subscriber_last_opens.opened_at < excluded.opened_at;
       END`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const postgres = q.connection.options.type === 'postgres';
    const human = humanOpen(postgres, 'detail');
    await q.query(
      `CREATE INDEX idx_message_events_human_opens ON message_events (at, message_id) WHERE type = 'opened' AND ${human}`,
    );
    await q.query(
      `CREATE INDEX idx_message_events_human_opens_by_message ON message_events (message_id, at) WHERE type = 'opened' AND ${human}`,
    );
    await q.query(`DROP TRIGGER message_events_note_human_opens${postgres ? ' ON message_events' : ''}`);
    if (postgres) await q.query(`DROP FUNCTION note_human_opens()`);
    await q.query(`DROP TABLE subscriber_last_opens`);
  }
}

/**
 * An open event's `detail` (column expression) says a person opened, not a privacy proxy: as segment-dialects.ts's
 * humanOpen and the indexes this migration drops (1764400000000, 1764500000000) spell it.
 */
function humanOpen(postgres: boolean, detail: string): string {
  return postgres
    ? `(${detail} ->> 'machine') IS DISTINCT FROM 'true'`
    : `COALESCE(json_extract(${detail}, '$.machine'), 0) <> 1`;
}
