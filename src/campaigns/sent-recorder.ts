import { randomUUID } from 'node:crypto';
import type { SentMail } from '../delivery/mail-sender.service';
import { MessageLogService } from '../delivery/message-log.service';

/**
 * How long a write waits for more acceptances to join it, unless enough are already waiting: each write is two
 * statements, and written as they came (two or three at a time) they were most of the main thread's and the
 * database's work of a campaign. A few milliseconds on a connection's turn, for a quarter of it.
 */
const GATHER_MS = 5;
/** A write that fails (the database is away) is tried again after this long, for at most RECORD_PATIENCE_MS. */
const RETRY_AFTER_MS = 250;
const RECORD_PATIENCE_MS = 120_000;

interface Accepted {
  id: string;
  /** the id of its 'sent' event, chosen once, so a write tried again adds no second event */
  eventId: string;
  sent: SentMail;
  at: Date;
  recorded: () => void;
  failed: (err: Error) => void;
}

/**
 * Records what SMTP accepted as 'sent'. `record` resolves once the row says so: the sender counts the message
 * among its unrecorded ones until then, so no more messages are accepted and unrecorded at any moment than that
 * bound (CampaignSenderService), and a crash sends at most that many twice (at recovery, a message still
 * 'sending' is sent again).
 *
 * Writes are coalesced rather than one per message: one write at a time, each taking every acceptance that
 * arrived while the previous one ran or in the few milliseconds it waited for company, so the
 * rate of writes adapts to the database's speed.
 * A write that fails is tried again (the database may be restarting) for up to two minutes before the
 * messages' `record` calls fail.
 */
export class SentRecorder {
  private waiting: Accepted[] = [];
  private writing: Promise<void> | null = null;
  private gathered: (() => void) | null = null;

  /** `gatherUpTo`: a write starts at once when this many acceptances wait. */
  constructor(
    private readonly log: MessageLogService,
    private readonly gatherUpTo: number,
  ) {}

  record(id: string, sent: SentMail): Promise<void> {
    return new Promise<void>((recorded, failed) => {
      this.waiting.push({ id, eventId: randomUUID(), sent, at: new Date(), recorded, failed });
      if (this.waiting.length >= this.gatherUpTo) this.gathered?.();
      this.writing ??= this.writeAll().finally(() => (this.writing = null));
    });
  }

  /** Waits until everything given to `record` so far is written (or has failed). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async writeAll(): Promise<void> {
    while (this.waiting.length) {
      await this.gather();
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

  /** Resolves once GATHER_MS passed or gatherUpTo acceptances wait, whichever comes first. */
  private gather(): Promise<void> {
    if (this.waiting.length >= this.gatherUpTo) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), GATHER_MS);
      const done = () => {
        clearTimeout(timer);
        this.gathered = null;
        resolve();
      };
      this.gathered = done;
    });
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
