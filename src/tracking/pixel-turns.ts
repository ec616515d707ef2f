/** What PixelTurns needs of a response: to know when it is over (finished or cut off). */
interface Closable {
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Keeps a flood of opens from holding up the rest of the service that shares its event loop (the API, the admin
 * UI, the order stream). While no other request is under way a pixel is answered at once. While one is, pixels
 * wait and are answered at most `perTurn` per turn of the event loop, so each step of that request (each
 * database answer it awaits) waits behind a few pixels instead of behind every connection's. Each pixel
 * connection sends its next request only once answered, so the ones waiting also stop bringing new work.
 * A mail client waiting a few milliseconds longer for an invisible image does not notice.
 */
export class PixelTurns {
  private others = 0;
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  constructor(private readonly perTurn: number) {}

  /** Counts another request as under way until its response closes. */
  otherStarted(res: Closable): void {
    this.others++;
    res.once('close', this.otherEnded);
  }

  /** Runs `answer` now, or in a later turn while another request is under way (in arrival order). */
  run(answer: () => void): void {
    if (this.idle) return answer();
    this.waiting.push(answer);
    this.schedule();
  }

  /** True when `run` would answer at once (no other request under way, no pixel waiting). */
  get idle(): boolean {
    return this.others === 0 && this.waiting.length === 0;
  }

  get pending(): number {
    return this.waiting.length;
  }

  private readonly otherEnded = (): void => {
    this.others--;
  };

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.drain);
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    const count = this.others === 0 ? this.waiting.length : Math.min(this.perTurn, this.waiting.length);
    for (const answer of this.waiting.splice(0, count)) answer();
    if (this.waiting.length) this.schedule();
  };
}
