/** One subscriber to write, as an import's file gives it. */
export interface BulkRow {
  email: string;
  emailKey: string;
  /** '' when the row gives none: an existing name is then kept */
  name: string;
  /** the attributes as JSON text (already measured against the 16 KB limit) */
  attributes: string;
}

/** subscribe: the rows join the lists; blocklist: the rows are blocklisted and leave every list. */
export type BulkMode = 'subscribe' | 'blocklist';

/** What a batch did: subscribers created, and existing ones updated. */
export interface BatchResult {
  imported: number;
  updated: number;
  /** subscribers of the batch whose membership of a pending list awaits confirmation (each once) */
  awaiting: string[];
}

/** Where the rows of one import go. */
export interface BulkTarget {
  mode: BulkMode;
  listIds: string[];
  /** those of listIds (subscribe mode) whose new members await confirmation instead of being confirmed */
  pendingListIds: string[];
}

/**
 * Gathers an import's rows into batches and writes each batch in one transaction (all of it or none).
 * Rules for both databases:
 * - a subscriber is found by email_key: an existing one keeps its id, its name is replaced only by a
 *   non-empty one, its attributes are merged (the row's keys win); never a second row;
 * - subscribe mode: each of listIds becomes a `confirmed` membership (an `unconfirmed` one is confirmed),
 *   but an `unsubscribed` membership stays so and a blocklisted subscriber gets no membership; each of
 *   pendingListIds instead becomes an `unconfirmed` membership (an existing one of any status stays as it is),
 *   and the subscribers left `unconfirmed` on one are answered in `awaiting`;
 * - blocklist mode: the subscriber is `blocklisted`, every membership is `unsubscribed`, and listIds
 *   (optional) are recorded as `unsubscribed` memberships.
 * The rows of one import have distinct email keys (the runner drops duplicates).
 */
export interface BulkWriter {
  /** Adds a row to the batch being gathered. */
  add(row: BulkRow): void;
  /** True once the gathered batch should be written (enough rows, or enough bytes). */
  readonly full: boolean;
  /** How many flushes may run at once; the caller never starts more. */
  readonly lanes: number;
  /** Writes the gathered batch; rows added while it runs go to the next one. */
  flush(): Promise<BatchResult>;
  /** Gives back the connection; safe to call after a failed flush. */
  close(): Promise<void>;
}

/** A batch holds at most this many rows, and stops growing past this many bytes of row data. */
export const BATCH_ROWS = 5000;
export const BATCH_BYTES = 4 * 1024 * 1024;
