import type { SentMail } from '../delivery/mail-sender.service';
import { MessageLogService } from '../delivery/message-log.service';

/** A write that fails (the database is away) is tried again after this long, for at most RECORD_PATIENCE_MS. */
const RETRY_AFTER_MS = 250;
const RECORD_PATIENCE_MS = 120_000;

interface Accepted {
  id: string;
  sent: SentMail;
  at: Date;
  recorded: () => void;
  failed: (err: Error) => void;
}

/**
 * Records what SMTP accepted as 'sent'. `record` resolves once the row says so: the sender holds the message's
 * SMTP connection until then, so no more messages are accepted and unrecorded at any moment than there are
 * connections, and a crash sends at most that many twice (at recovery, a message still 'sending' is sent again).
 *
 * Writes are coalesced rather than one per message: one write at a time, each taking every acceptance that
 * arrived while the previous one ran (one transaction), so the rate of writes adapts to the database's speed.
 * A write that fails is tried again (the database may be restarting) for up to two minutes before the
 * messages' `record` calls fail.
 */
export class SentRecorder {
  private waiting: Accepted[] = [];
  private writing: Promise<void> | null = null;

  constructor(private readonly log: MessageLogService) {}

  record(id: string, sent: SentMail): Promise<void> {
    return new Promise<void>((recorded, failed) => {
      this.waiting.push({ id, sent, at: new Date(), recorded, failed });
      this.writing ??= this.writeAll().finally(() => (this.writing = null));
    });
  }

  /** Waits until everything given to `record` so far is written (or has failed). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async writeAll(): Promise<void> {
    // Let acceptances that arrive in the same turn of the event loop join the first write.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.waiting.length) {
      const items = this.waiting;
      this.waiting = [];
      try {
        await this.write(items);
        for (const item of items) item.recorded();
      } catch (err) {
        for (const item of items) item.failed(err as Error);
      }
    }
  }

  private async write(items: Accepted[]): Promise<void> {
    const giveUpAt = Date.now() + RECORD_PATIENCE_MS;
    for (;;) {
      try {
        return await this.log.markSentMany(items);
      } catch (err) {
        if (Date.now() >= giveUpAt) throw err;
        await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS));
      }
    }
  }
}
