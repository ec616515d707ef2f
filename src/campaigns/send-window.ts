/**
 * A counting semaphore for the campaign messages of one process: how many are between being taken and
 * SMTP's recorded answer (memory does not grow with the number of batches running), and how many are in
 * SMTP's hands (one per connection, so nodemailer's pool never queues them).
 */
export class SendWindow {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}
