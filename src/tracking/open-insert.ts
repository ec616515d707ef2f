import type { EntityManager } from 'typeorm';
import { ERASED_RECIPIENT } from '../delivery/message.entity';

/** One open to write: the message, when, and the event's detail. */
export interface OpenRow {
  id: string;
  messageId: string;
  at: Date;
  detail: Record<string, unknown>;
}

/**
 * Writes a batch of opens as `opened` message events in one statement, keeping only those the rule of
 * EngagementRecorder allows: the message still exists, and either its person exists with tracking on, or
 * it has no person and was never erased (an erased message is marked by its recipient, ERASED_RECIPIENT).
 * No query more than before: the rule is part of the one INSERT … SELECT. The whole batch travels as one
 * JSON parameter, so building and parsing the statement costs the same for 1 open or 2,000.
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
       WHERE s.tracking_enabled OR (msg.subscriber_id IS NULL AND msg.to_email <> $2)`,
      [json, ERASED_RECIPIENT],
    );
    return;
  }
  // SQLite: times as TypeORM writes them ('YYYY-MM-DD HH:MM:SS.SSS', UTC), details as JSON text.
  const json = JSON.stringify(
    rows.map((r) => ({ id: r.id, m: r.messageId, at: r.at.toISOString().replace('T', ' ').slice(0, 23), d: r.detail })),
  );
  await m.query(
    `INSERT INTO message_events (id, message_id, type, at, detail)
     SELECT json_extract(j.value, '$.id'), json_extract(j.value, '$.m'), 'opened', json_extract(j.value, '$.at'), json_extract(j.value, '$.d')
     FROM json_each(?) AS j
     JOIN messages msg ON msg.id = json_extract(j.value, '$.m')
     LEFT JOIN subscribers s ON s.id = msg.subscriber_id
     WHERE s.tracking_enabled = 1 OR (msg.subscriber_id IS NULL AND msg.to_email <> ?)`,
    [json, ERASED_RECIPIENT],
  );
}
