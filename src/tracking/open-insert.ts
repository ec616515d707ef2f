import type { EntityManager } from 'typeorm';

/** One open to write: the message, when, and the event's detail. */
export interface OpenRow {
  id: string;
  messageId: string;
  at: Date;
  detail: Record<string, unknown>;
}

/**
 * Writes a batch of opens as `opened` message events in one statement, keeping only those whose message
 * still exists and whose person has not turned tracking off (nor been erased). The whole batch travels as
 * one JSON parameter, so building and parsing the statement costs the same for 1 open or 2,000.
 * The opens are most of what the recorder writes; clicks, rarer, go through the entity manager.
 */
export async function insertOpens(m: EntityManager, rows: OpenRow[]): Promise<void> {
  if (!rows.length) return;
  if (m.connection.options.type === 'postgres') {
    const json = JSON.stringify(rows.map((r) => ({ id: r.id, m: r.messageId, at: r.at.toISOString(), d: r.detail })));
    await m.query(
      `INSERT INTO message_events (id, message_id, type, at, detail)
       SELECT r.id, r.m, 'opened', r.at, r.d
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, m uuid, at timestamptz, d jsonb)
       JOIN messages msg ON msg.id = r.m
       LEFT JOIN subscribers s ON s.id = msg.subscriber_id
       WHERE msg.subscriber_id IS NULL OR s.tracking_enabled`,
      [json],
    );
    return;
  }
  // SQLite: times as TypeORM writes them ('YYYY-MM-DD HH:MM:SS.SSS', UTC), details as JSON text.
  const json = JSON.stringify(rows.map((r) => ({ id: r.id, m: r.messageId, at: r.at.toISOString().replace('T', ' ').slice(0, 23), d: r.detail })));
  await m.query(
    `INSERT INTO message_events (id, message_id, type, at, detail)
     SELECT json_extract(j.value, '$.id'), json_extract(j.value, '$.m'), 'opened', json_extract(j.value, '$.at'), json_extract(j.value, '$.d')
     FROM json_each(?) AS j
     JOIN messages msg ON msg.id = json_extract(j.value, '$.m')
     LEFT JOIN subscribers s ON s.id = msg.subscriber_id
     WHERE msg.subscriber_id IS NULL OR s.tracking_enabled = 1`,
    [json],
  );
}
