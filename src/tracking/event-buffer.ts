export interface EventBufferOptions {
  /** a batch is written at once when this many items wait */
  maxBatch: number;
  /** otherwise the first waiting item is written at most this long after it arrived */
  flushMs: number;
  /** a failed batch is kept and tried again with the next one; beyond this many waiting items the oldest are dropped */
  maxPending: number;
}

/**
 * Collects items in memory and hands them to `write` in batches, one batch at a time, so the request that
 * produced an item never waits for the database. `flush()` writes everything waiting (used on shutdown).
 */
export class EventBuffer<T> {
  private items: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (batch: T[]) => Promise<void>,
    private readonly options: EventBufferOptions,
    private readonly onError: (err: unknown, batchSize: number, dropped: number) => void,
  ) {}

  get pending(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
    if (this.items.length >= this.options.maxBatch) void this.flush();
    else this.timer ??= later(() => void this.flush(), this.options.flushMs);
  }

  /** Writes what waits now, after any batch already being written; resolves when it is written (or failed). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.items.length) {
      const batch = this.items.splice(0, this.options.maxBatch);
      this.writing = this.writing.then(() => this.write(batch)).catch((err) => this.keep(err, batch));
    }
    return this.writing;
  }

  /** A batch that failed (the database away for a moment) goes back in front, to be tried again. */
  private keep(err: unknown, batch: T[]): void {
    this.items.unshift(...batch);
    const dropped = Math.max(0, this.items.length - this.options.maxPending);
    if (dropped) this.items.splice(0, dropped);
    this.onError(err, batch.length, dropped);
    this.timer ??= later(() => void this.flush(), Math.max(this.options.flushMs, 1000));
  }
}

/** A timer that does not keep the process alive by itself (the HTTP server does while the service runs). */
function later(run: () => void, ms: number): NodeJS.Timeout {
  return setTimeout(run, ms).unref();
}
