import type { SentMail } from '../delivery/mail-sender.service';
import { MessageLogService } from '../delivery/message-log.service';

/** Accepted messages recorded per this many, or after this long, whichever comes first. */
const RECORD_EVERY = 20;
const RECORD_AFTER_MS = 200;

/**
 * Records what SMTP accepted a few messages at a time (one transaction each) rather than one by one.
 * Until recorded, a message stays 'sending': a crash in between leaves it to be sent again at recovery,
 * which is the one duplicate the design allows (between SMTP's acceptance and the database's record).
 */
export class SentRecorder {
  private pending: Array<{ id: string; sent: SentMail; at: Date }> = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private error: Error | null = null;

  constructor(private readonly log: MessageLogService) {}

  sent(id: string, sent: SentMail): void {
    this.pending.push({ id, sent, at: new Date() });
    if (this.pending.length >= RECORD_EVERY) this.write();
    else this.timer ??= setTimeout(() => this.write(), RECORD_AFTER_MS);
  }

  /** Writes what is left and waits for every write; throws if one failed (the batch is then retried). */
  async flush(): Promise<void> {
    this.write();
    await this.writing;
    if (this.error) throw this.error;
  }

  private write(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.pending.length) return;
    const items = this.pending;
    this.pending = [];
    // One write at a time, in order; a failed one is reported by flush.
    this.writing = this.writing
      .then(() => this.log.markSentMany(items))
      .catch((err: Error) => void (this.error ??= err));
  }
}
