/**
 * A counting semaphore: how many campaign messages one process has between rendering and SMTP's answer.
 * Bounded to the campaign pool's connections, so nodemailer's pool never queues rendered messages
 * (each is ~200 KB for a large newsletter) and memory does not grow with the number of batches running.
 */
export class SendWindow {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
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
