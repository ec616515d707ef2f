import { Logger } from '@nestjs/common';

/**
 * How often every process that runs the queues' consumers compares the database (the truth) with what Redis
 * holds, and queues again what Redis lost (a FLUSHALL, an eviction, a failover to an empty replica). The
 * service promises that lost work resumes within a minute: a sweep finds a campaign that stopped moving at the
 * second sweep after the loss (the first one may still see the batches that were running finish), so at most
 * two intervals and a sweep's own time. Shorter would cost queries for nothing while all is well.
 */
export const SWEEP_INTERVAL_MS = 20_000;

/**
 * Runs `sweep` every `intervalMs` (the first time one interval after start), never two at once; a sweep that
 * throws (the database or Redis away right now) is logged and the next one runs as planned. The timer does
 * not keep the process alive; stop() waits for a sweep that is running.
 */
export class PeriodicSweep {
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    name: string,
    private readonly sweep: () => Promise<unknown>,
    private readonly intervalMs = SWEEP_INTERVAL_MS,
  ) {
    this.logger = new Logger(name);
  }

  start(): this {
    this.stopped = false;
    this.schedule();
    return this;
  }

  /** One sweep now (or the one running); what the timer calls. */
  runOnce(): Promise<void> {
    this.running ??= this.sweep()
      .then(
        () => undefined,
        (err: unknown) => this.logger.warn({ err }, 'sweep failed; the next one runs as planned'),
      )
      .finally(() => (this.running = null));
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      void this.runOnce().finally(() => {
        this.timer = null;
        this.schedule();
      });
    }, this.intervalMs);
    this.timer.unref();
  }
}
