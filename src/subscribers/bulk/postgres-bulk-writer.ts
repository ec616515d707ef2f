import { finished } from 'node:stream/promises';
import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { uuid7 } from '../../database/uuid7';
import { CopyBuffer } from './copy-buffer';
import { BATCH_BYTES, BATCH_ROWS, BatchResult, BulkRow, BulkTarget, BulkWriter } from './bulk-writer';
import { isUuid } from '../../common/uuid';

const STAGE = 'pg_temp.import_stage';
/**
 * Batches written at once, each on a connection (and staging table) of its own. Batches never share an
 * address, so they cannot wait on each other's rows; two use a second core, which matters because
 * the per-row foreign-key checks of the memberships make the database the slow side.
 */
const LANES = 2;

/** A connection of the pool, kept for the import, with its staging table; `release` gives it back. */
export interface Lane {
  client: PoolClient;
  release(): Promise<void>;
}

/**
 * PostgreSQL: each batch is COPYed into a temporary staging table, then merged by set-based statements
 * sent as one multi-statement query, which PostgreSQL runs as a single transaction; no statement per
 * row. Two round trips a batch: the event loop is busy parsing the next batch meanwhile, so every
 * answer waiting for it costs time.
 */
export class PostgresBulkWriter implements BulkWriter {
  readonly lanes = LANES;
  /** The batch being gathered, and buffers free for the next ones. */
  private gathering = new CopyBuffer();
  private readonly spares: CopyBuffer[] = [];
  private readonly mergeSql: string;

  private constructor(
    private readonly free: Lane[],
    target: BulkTarget,
  ) {
    this.mergeSql = mergeSql(target);
  }

  static async open(connect: () => Promise<Lane>, target: BulkTarget): Promise<PostgresBulkWriter> {
    const lanes: Lane[] = [];
    try {
      for (let i = 0; i < LANES; i++) {
        lanes.push(await connect());
        // A crash may lose the last moments of an import, never corrupt it; the job reruns the file anyway.
        await lanes[i].client.query(
          `SET synchronous_commit = off;
           DROP TABLE IF EXISTS ${STAGE};
           CREATE TEMP TABLE import_stage (id uuid NOT NULL, email text NOT NULL, email_key text NOT NULL, name text NOT NULL, attributes jsonb NOT NULL)`,
        );
      }
    } catch (err) {
      await Promise.all(lanes.map((lane) => lane.release()));
      throw err;
    }
    return new PostgresBulkWriter(lanes, target);
  }

  add(row: BulkRow): void {
    this.gathering.push([uuid7(), row.email, row.emailKey, row.name, row.attributes]);
  }

  get full(): boolean {
    return this.gathering.rows >= BATCH_ROWS || this.gathering.bytes >= BATCH_BYTES;
  }

  async flush(): Promise<BatchResult> {
    const batch = this.gathering;
    if (batch.rows === 0) return { imported: 0, updated: 0, awaiting: [] };
    const lane = this.free.pop();
    if (!lane) throw new Error(`more than ${LANES} batches written at once`);
    this.gathering = this.spares.pop() ?? new CopyBuffer();
    try {
      // The staging table is private to this connection: filling it needs no transaction of its own.
      const copy = lane.client.query(copyFrom(`COPY ${STAGE} (id, email, email_key, name, attributes) FROM STDIN`));
      copy.end(batch.content());
      await finished(copy);
      const results = (await lane.client.query(this.mergeSql)) as unknown as { rows: BatchResult[] }[];
      this.free.push(lane);
      return results[0].rows[0];
    } catch (err) {
      // The stage may still hold the batch: emptied, the lane is clean for close(); a broken connection goes now.
      await lane.client.query(`TRUNCATE ${STAGE}`).then(
        () => this.free.push(lane),
        () => lane.release(),
      );
      throw err;
    } finally {
      batch.clear();
      this.spares.push(batch);
    }
  }

  /** Every lane is free again by now (the caller awaited its flushes). */
  async close(): Promise<void> {
    await Promise.all(
      this.free.splice(0).map(async (lane) => {
        try {
          await lane.client.query(`DROP TABLE IF EXISTS ${STAGE}; RESET synchronous_commit`);
        } finally {
          await lane.release();
        }
      }),
    );
  }
}

/**
 * The statements that move the staged rows into place, then empty the stage. The list ids are written
 * into the SQL (a multi-statement query takes no parameters): they are checked to be UUIDs first.
 */
function mergeSql({ mode, listIds, pendingListIds }: BulkTarget): string {
  const bad = listIds.find((id) => !isUuid(id));
  if (bad !== undefined) throw new Error(`not a list id: ${String(bad)}`);
  const lists = `'{${listIds.join(',')}}'::uuid[]`;
  const confirmedLists = `'{${listIds.filter((id) => !pendingListIds.includes(id)).join(',')}}'::uuid[]`;
  const pendingLists = `'{${listIds.filter((id) => pendingListIds.includes(id)).join(',')}}'::uuid[]`;
  const blocklist = mode === 'blocklist';
  // xmax = 0 on the returned row version means the INSERT branch made it.
  const upsert = `
    INSERT INTO subscribers AS s (id, email, email_key, name, attributes, status)
    SELECT id, email, email_key, name, attributes, '${blocklist ? 'blocklisted' : 'enabled'}' FROM ${STAGE}
    ON CONFLICT (email_key) DO UPDATE SET
      name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE s.name END,
      attributes = s.attributes || excluded.attributes,
      status = ${blocklist ? "'blocklisted'" : 's.status'},
      updated_at = now()
    RETURNING s.id, s.status, (s.xmax = 0) AS inserted`;
  const counts = (awaiting: string) =>
    `SELECT count(*) FILTER (WHERE inserted)::int AS imported, count(*) FILTER (WHERE NOT inserted)::int AS updated, ${awaiting} AS awaiting FROM up`;
  const empty = `TRUNCATE ${STAGE}`;
  if (!blocklist) {
    return `
      WITH up AS (${upsert}),
      joined AS (
        INSERT INTO subscriptions (subscriber_id, list_id, status, confirmed_at)
        SELECT up.id, l.id, 'confirmed', now() FROM up CROSS JOIN unnest(${confirmedLists}) AS l(id)
        WHERE up.status <> 'blocklisted'
        ON CONFLICT (subscriber_id, list_id) DO UPDATE
          SET status = 'confirmed', confirmed_at = coalesce(subscriptions.confirmed_at, now()), updated_at = now()
          WHERE subscriptions.status = 'unconfirmed'
      ),
      -- Double opt-in lists whose members confirm by mail: new memberships unconfirmed, existing ones untouched;
      -- the no-op update of one already unconfirmed makes RETURNING name it too.
      pending AS (
        INSERT INTO subscriptions (subscriber_id, list_id, status)
        SELECT up.id, l.id, 'unconfirmed' FROM up CROSS JOIN unnest(${pendingLists}) AS l(id)
        WHERE up.status <> 'blocklisted'
        ON CONFLICT (subscriber_id, list_id) DO UPDATE SET status = subscriptions.status
          WHERE subscriptions.status = 'unconfirmed'
        RETURNING subscriber_id
      )
      ${counts('array(SELECT DISTINCT subscriber_id::text FROM pending)')};
      ${empty}`;
  }
  // The staged keys all name subscribers once the upsert ran: their memberships close, then listIds are recorded.
  return `
    WITH up AS (${upsert}) ${counts("'{}'::text[]")};
    UPDATE subscriptions m SET status = 'unsubscribed', unsubscribed_at = now(), updated_at = now()
    FROM subscribers s JOIN ${STAGE} st ON st.email_key = s.email_key
    WHERE m.subscriber_id = s.id AND m.status <> 'unsubscribed';
    INSERT INTO subscriptions (subscriber_id, list_id, status, unsubscribed_at)
    SELECT s.id, l.id, 'unsubscribed', now()
    FROM ${STAGE} st JOIN subscribers s ON s.email_key = st.email_key CROSS JOIN unnest(${lists}) AS l(id)
    ON CONFLICT (subscriber_id, list_id) DO NOTHING;
    ${empty}`;
}
