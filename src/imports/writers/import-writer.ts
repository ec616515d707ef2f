import { ImportRow } from '../csv-rows';
import { ImportMode } from '../import.entity';

/** What a batch did: subscribers created, and existing ones updated. */
export interface BatchResult {
  imported: number;
  updated: number;
}

/** Where the rows of one import go. */
export interface ImportTarget {
  mode: ImportMode;
  listIds: string[];
}

/**
 * Gathers an import's rows into batches and writes each batch in one transaction (all of it or none).
 * Rules for both databases:
 * - a subscriber is found by email_key: an existing one keeps its id, its name is replaced only by a
 *   non-empty one, its attributes are merged (the row's keys win); never a second row;
 * - subscribe mode: each of listIds becomes a `confirmed` membership (an `unconfirmed` one is confirmed),
 *   but an `unsubscribed` membership stays so and a blocklisted subscriber gets no membership;
 * - blocklist mode: the subscriber is `blocklisted`, every membership is `unsubscribed`, and listIds
 *   (optional) are recorded as `unsubscribed` memberships.
 * The rows of one import have distinct email keys (the runner drops duplicates).
 */
export interface ImportWriter {
  /** Adds a row to the batch being gathered. */
  add(row: ImportRow): void;
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
