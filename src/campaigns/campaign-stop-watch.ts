import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { CampaignRepository } from './campaign.repository';

/** Why a running batch must stop sending: its campaign was paused, cancelled (or finished), or deleted. */
export type StopReason = 'paused' | 'cancelled' | 'gone';

/**
 * How often the statuses of the campaigns this process is sending are read while a batch runs: a pause made
 * through another process reaches the batches here within this (plus one query), well inside the second the
 * service promises between a pause and the last mail. One small query per campaign being sent, only then.
 */
export const STOP_POLL_MS = 100;

/**
 * Tells a running batch, from memory, whether its campaign was stopped. Kept fresh two ways: the pause and
 * cancel of this process say so at once (stopNow), and while any batch runs the statuses of the campaigns
 * being sent are polled every STOP_POLL_MS (pauses made by another process). A batch calls track(id) when it
 * starts and untrack(id) when it ends (counted: several batches of one campaign may run at once).
 */
@Injectable()
export class CampaignStopWatch implements OnModuleDestroy {
  private readonly logger = new Logger(CampaignStopWatch.name);
  /** campaign id → why it stopped, as last heard */
  private readonly stops = new Map<string, StopReason>();
  /** campaign id → batches of it running in this process */
  private readonly running = new Map<string, number>();
  /** campaign id → when this process last said something about it (stopNow, resumed, track) */
  private readonly heardAt = new Map<string, number>();
  private clock = 0;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly campaigns: CampaignRepository) {}

  /** Null while the campaign may go on sending, as far as this process knows. */
  stopped(campaignId: string): StopReason | null {
    return this.stops.get(campaignId) ?? null;
  }

  /** The campaign was just paused, cancelled or deleted by this process: its batches here stop at their next message. */
  stopNow(campaignId: string, reason: StopReason): void {
    this.stops.set(campaignId, reason);
    this.heardAt.set(campaignId, ++this.clock);
  }

  /** The campaign was resumed by this process: what was heard before no longer holds. */
  resumed(campaignId: string): void {
    this.stops.delete(campaignId);
    this.heardAt.set(campaignId, ++this.clock);
  }

  /**
   * A batch of the campaign starts (it has just read the campaign 'sending' itself): polling starts if it was not
   * running, and what was heard about the campaign before the first of its batches here is forgotten (it may
   * have been paused and resumed meanwhile through another process).
   */
  track(campaignId: string): void {
    const n = this.running.get(campaignId) ?? 0;
    if (n === 0) {
      this.stops.delete(campaignId);
      this.heardAt.set(campaignId, ++this.clock);
    }
    this.running.set(campaignId, n + 1);
    this.schedule();
  }

  /** A batch of the campaign ended; with the last one, the campaign is no longer watched. */
  untrack(campaignId: string): void {
    const n = (this.running.get(campaignId) ?? 0) - 1;
    if (n > 0) {
      this.running.set(campaignId, n);
      return;
    }
    this.running.delete(campaignId);
    this.stops.delete(campaignId);
    this.heardAt.delete(campaignId);
    if (!this.running.size && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** Campaigns with a batch running in this process. */
  watched(): string[] {
    return [...this.running.keys()];
  }

  /** Reads the statuses of the campaigns being sent once (what the timer does every STOP_POLL_MS). */
  poll(): Promise<void> {
    this.polling ??= this.readStatuses().finally(() => (this.polling = null));
    return this.polling;
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.polling;
  }

  private schedule(): void {
    if (this.timer || this.closed || !this.running.size) return;
    this.timer = setTimeout(() => {
      void this.poll().finally(() => {
        this.timer = null;
        this.schedule();
      });
    }, STOP_POLL_MS);
    // A batch's own work keeps the process alive; the watch alone must not.
    this.timer.unref();
  }

  private async readStatuses(): Promise<void> {
    const ids = this.watched();
    const startedAt = this.clock;
    try {
      const rows = await Promise.all(ids.map((id) => this.campaigns.findStatus(id)));
      ids.forEach((id, i) => {
        // A campaign no longer watched (its last batch ended meanwhile) is not written back.
        if (!this.running.has(id)) return;
        // Nor one this process heard about while the statuses were being read: that is newer.
        if ((this.heardAt.get(id) ?? 0) > startedAt) return;
        const status = rows[i]?.status;
        if (status === 'sending') this.stops.delete(id);
        else this.stops.set(id, status === 'paused' ? 'paused' : status ? 'cancelled' : 'gone');
      });
    } catch (err: unknown) {
      // The database is away: what was last heard stands; the batch's own writes will fail and it is retried.
      this.logger.debug({ err }, 'campaign statuses not read');
    }
  }
}
