import { uuid7 } from '../../database/uuid7';
import { BATCH_BYTES, BatchResult, BulkRow, BulkTarget, BulkWriter } from './bulk-writer';

/** Rows per multi-row statement: 5 parameters each stays far below SQLite's 32,766. */
const CHUNK = 500;
/** Rows per transaction: smaller than PostgreSQL's, as a batch holds the event loop while it runs. */
const BATCH_ROWS = 2000;
const NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')";

/** The part of better-sqlite3's handle used here (the package ships no types). */
export interface SqliteHandle {
  readonly inTransaction: boolean;
  prepare(sql: string): Statement;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
}
interface Statement {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}

/**
 * SQLite: multi-row `INSERT … ON CONFLICT DO UPDATE … RETURNING` statements, one transaction per batch,
 * on better-sqlite3's own handle. A batch runs synchronously from BEGIN to COMMIT, so no other query of
 * this process can slip into it; it waits for a transaction TypeORM may have open.
 */
export class SqliteBulkWriter implements BulkWriter {
  private readonly statements = new Map<string, Statement>();
  private readonly runBatch: (rows: BulkRow[]) => BatchResult;
  private gathering: BulkRow[] = [];
  private gatheredBytes = 0;

  constructor(
    private readonly db: SqliteHandle,
    private readonly target: BulkTarget,
  ) {
    this.runBatch = db.transaction((rows: BulkRow[]) => this.writeSync(rows));
  }

  add(row: BulkRow): void {
    this.gathering.push(row);
    this.gatheredBytes += row.email.length + row.name.length + row.attributes.length;
  }

  /** SQLite has one writer at a time. */
  readonly lanes = 1;

  get full(): boolean {
    return this.gathering.length >= BATCH_ROWS || this.gatheredBytes >= BATCH_BYTES;
  }

  async flush(): Promise<BatchResult> {
    const rows = this.gathering;
    this.gathering = [];
    this.gatheredBytes = 0;
    if (rows.length === 0) return { imported: 0, updated: 0, awaiting: [] };
    for (let waited = 0; this.db.inTransaction; waited += 10) {
      if (waited > 30_000) throw new Error('the database stayed inside another transaction for 30 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.runBatch(rows);
  }

  close(): Promise<void> {
    this.statements.clear();
    return Promise.resolve();
  }

  private writeSync(rows: BulkRow[]): BatchResult {
    const result: BatchResult = { imported: 0, updated: 0, awaiting: [] };
    const awaiting = new Set<string>();
    for (let start = 0; start < rows.length; start += CHUNK) {
      const chunk = rows.slice(start, start + CHUNK);
      const ids = this.upsertSubscribers(chunk, result);
      if (this.target.mode === 'subscribe') {
        const members = ids.filter((s) => s.status !== 'blocklisted').map((s) => s.id);
        this.join(members);
        for (const id of this.joinPending(members)) awaiting.add(id);
      } else this.leave(ids.map((s) => s.id));
    }
    result.awaiting = [...awaiting];
    return result;
  }

  /** Upserts the subscribers; a returned id equal to the one offered means the row was new. */
  private upsertSubscribers(chunk: BulkRow[], result: BatchResult): { id: string; status: string }[] {
    const blocklist = this.target.mode === 'blocklist';
    const stmt = this.statement(
      `upsert:${this.target.mode}:${chunk.length}`,
      () =>
        `INSERT INTO subscribers AS s (id, email, email_key, name, attributes, status) VALUES ${rowsOf(chunk.length, `(?, ?, ?, ?, ?, '${blocklist ? 'blocklisted' : 'enabled'}')`)}
       ON CONFLICT (email_key) DO UPDATE SET
         name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE s.name END,
         attributes = json_patch(s.attributes, excluded.attributes),
         status = ${blocklist ? "'blocklisted'" : 's.status'},
         updated_at = ${NOW}
       RETURNING id, email_key, status`,
    );
    const offered = new Map<string, string>();
    const params: string[] = [];
    for (const r of chunk) {
      const id = uuid7();
      offered.set(r.emailKey, id);
      params.push(id, r.email, r.emailKey, r.name, r.attributes);
    }
    const saved = stmt.all(...params) as { id: string; email_key: string; status: string }[];
    for (const s of saved) {
      if (offered.get(s.email_key) === s.id) result.imported++;
      else result.updated++;
    }
    return saved;
  }

  private join(subscriberIds: string[]): void {
    const pairs = this.pairs(subscriberIds, this.confirmedListIds());
    for (let start = 0; start < pairs.length; start += CHUNK * 2) {
      const slice = pairs.slice(start, start + CHUNK * 2);
      const stmt = this.statement(
        `join:${slice.length}`,
        () =>
          `INSERT INTO subscriptions (subscriber_id, list_id, status, confirmed_at) VALUES ${rowsOf(slice.length / 2, `(?, ?, 'confirmed', ${NOW})`)}
         ON CONFLICT (subscriber_id, list_id) DO UPDATE
           SET status = 'confirmed', confirmed_at = coalesce(subscriptions.confirmed_at, excluded.confirmed_at), updated_at = ${NOW}
           WHERE subscriptions.status = 'unconfirmed'`,
      );
      stmt.run(...slice);
    }
  }

  /**
   * Memberships of the pending lists: new ones `unconfirmed`, existing ones untouched. The no-op update of an
   * already unconfirmed one makes RETURNING name it too: everyone left awaiting confirmation.
   */
  private joinPending(subscriberIds: string[]): string[] {
    const pairs = this.pairs(subscriberIds, this.target.pendingListIds);
    const awaiting: string[] = [];
    for (let start = 0; start < pairs.length; start += CHUNK * 2) {
      const slice = pairs.slice(start, start + CHUNK * 2);
      const stmt = this.statement(
        `pending:${slice.length}`,
        () =>
          `INSERT INTO subscriptions (subscriber_id, list_id, status) VALUES ${rowsOf(slice.length / 2, `(?, ?, 'unconfirmed')`)}
         ON CONFLICT (subscriber_id, list_id) DO UPDATE SET status = subscriptions.status
           WHERE subscriptions.status = 'unconfirmed'
         RETURNING subscriber_id`,
      );
      for (const r of stmt.all(...slice) as { subscriber_id: string }[]) awaiting.push(r.subscriber_id);
    }
    return awaiting;
  }

  private confirmedListIds(): string[] {
    return this.target.listIds.filter((id) => !this.target.pendingListIds.includes(id));
  }

  private leave(subscriberIds: string[]): void {
    if (subscriberIds.length === 0) return;
    this.statement(
      `leave:${subscriberIds.length}`,
      () =>
        `UPDATE subscriptions SET status = 'unsubscribed', unsubscribed_at = ${NOW}, updated_at = ${NOW}
       WHERE status <> 'unsubscribed' AND subscriber_id IN (${rowsOf(subscriberIds.length, '?')})`,
    ).run(...subscriberIds);
    const pairs = this.pairs(subscriberIds, this.target.listIds);
    for (let start = 0; start < pairs.length; start += CHUNK * 2) {
      const slice = pairs.slice(start, start + CHUNK * 2);
      this.statement(
        `record:${slice.length}`,
        () =>
          `INSERT INTO subscriptions (subscriber_id, list_id, status, unsubscribed_at) VALUES ${rowsOf(slice.length / 2, `(?, ?, 'unsubscribed', ${NOW})`)}
         ON CONFLICT (subscriber_id, list_id) DO NOTHING`,
      ).run(...slice);
    }
  }

  /** subscriber id, list id, subscriber id, list id, … for every subscriber and each of `listIds`. */
  private pairs(subscriberIds: string[], listIds: string[]): string[] {
    const pairs: string[] = [];
    for (const id of subscriberIds) for (const listId of listIds) pairs.push(id, listId);
    return pairs;
  }

  /** Prepared once per shape: full chunks reuse the same statement. */
  private statement(key: string, sql: () => string): Statement {
    let stmt = this.statements.get(key);
    if (!stmt) {
      stmt = this.db.prepare(sql());
      this.statements.set(key, stmt);
    }
    return stmt;
  }
}

function rowsOf(count: number, row: string): string {
  return Array.from({ length: count }, () => row).join(', ');
}
