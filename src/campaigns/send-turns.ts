import { performance } from 'node:perf_hooks';

/** Above this share of busy time of the event loop (over the last SAMPLE_MS), hand-overs are spaced out. */
const BUSIEST = 0.5;
const SAMPLE_MS = 50;
/** The pause between two hand-overs while the loop is busier than BUSIEST. */
const PAUSE_MS = 2;

/**
 * Turns of the event loop for handing campaign messages to SMTP, one message per turn. Each hand-over has
 * its share of main-thread work (the claim, the recheck, the copy to the SMTP thread, the record of the
 * answer); dozens of messages waiting for a plain setImmediate would all go in the same turn and hold back
 * every HTTP request and transactional mail the turn was to serve. One per turn keeps the service answering
 * between any two; and while the event loop is busy more than half the time, hand-overs are spaced out further,
 * so HTTP requests and transactional mail always find the loop free half the time, whatever a campaign wants.
 */
export class SendTurns {
  private readonly waiting: Array<() => void> = [];
  private scheduled = false;
  private busy = false;
  private lastSample = performance.eventLoopUtilization();
  private sampledAt = 0;

  /** Resolves in a later turn of the event loop, after every message that asked before. */
  next(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || !this.waiting.length) return;
    this.scheduled = true;
    const release = () => {
      this.scheduled = false;
      this.waiting.shift()!();
      this.schedule();
    };
    // An immediate set while immediates run waits for the next turn: one release per turn.
    if (this.loopBusy()) setTimeout(release, PAUSE_MS);
    else setImmediate(release);
  }

  private loopBusy(): boolean {
    const now = performance.now();
    if (now - this.sampledAt >= SAMPLE_MS) {
      const sample = performance.eventLoopUtilization();
      this.busy = performance.eventLoopUtilization(sample, this.lastSample).utilization > BUSIEST;
      this.lastSample = sample;
      this.sampledAt = now;
    }
    return this.busy;
  }
}
