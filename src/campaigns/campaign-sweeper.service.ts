import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicSweep } from '../queues/periodic-sweep';
import { CampaignJobsService } from './campaign-jobs.service';
import { CampaignMessagesService } from './campaign-messages.service';
import { CampaignRunsService } from './campaign-runs.service';
import { CampaignRepository } from './campaign.repository';

/**
 * The database is the truth: every SWEEP_INTERVAL_MS, in every process that runs the campaign queue, campaigns
 * that should be running get back the jobs Redis lost (FLUSHALL, eviction, an empty replica), without a restart.
 *
 * What a sweep costs while all is well: one query for the campaigns scheduled or sending (none: nothing else,
 * no Redis at all); per scheduled campaign one job look-up; per sending campaign one count of its messages by
 * status (indexed on campaign and status). A sending campaign whose counts moved since the previous sweep is
 * being worked on (or being prepared: rows are being added) and is left alone, so a 100,000-reader campaign's
 * jobs are not read every 20 s, and a campaign being prepared right now (rows added, their batches not queued
 * yet) does not get duplicate batches. Only a campaign that did not move for a whole interval is compared with
 * the queue's live jobs (CampaignRunsService.requeue), and what no job covers is queued again: lost work
 * resumes at the second sweep after the loss. Several processes sweeping at once, or a batch queued twice, are
 * harmless: messages are claimed one by one (compare-and-set) before SMTP.
 */
@Injectable()
export class CampaignSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CampaignSweeper.name);
  private readonly sweeper = new PeriodicSweep(CampaignSweeper.name, () => this.sweep());
  /** sending campaign id → its message counts at the previous sweep */
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly messages: CampaignMessagesService,
    private readonly runs: CampaignRunsService,
    private readonly jobs: CampaignJobsService,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeper.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeper.stop();
  }

  /** One sweep; answers the campaigns that got jobs again. */
  async sweep(): Promise<number> {
    const live = await this.campaigns.findByStatus(['scheduled', 'sending']);
    const sending = live.filter((c) => c.status === 'sending');
    for (const id of this.seen.keys()) if (!sending.some((c) => c.id === id)) this.seen.delete(id);
    let requeued = 0;

    for (const campaign of live.filter((c) => c.status === 'scheduled')) {
      if (await this.jobs.ensurePrepare(campaign.id, campaign.sendAt)) {
        this.logger.warn({ campaignId: campaign.id }, 'scheduled campaign without its job: queued again');
        requeued++;
      }
    }

    if (!sending.length) return requeued;
    const progress = await this.messages.progress(sending.map((c) => c.id));
    for (const campaign of sending) {
      const p = progress.get(campaign.id)!;
      const counts = `${p.total}/${p.pending}`;
      const before = this.seen.get(campaign.id);
      this.seen.set(campaign.id, counts);
      // First seen here, or moving (sent, or rows added by its prepare): someone is working on it.
      if (before !== counts) continue;
      const batches = await this.runs.requeue(campaign);
      if (batches) {
        this.logger.warn({ campaignId: campaign.id, batches }, 'campaign messages without a job: queued again');
        requeued++;
      }
    }
    return requeued;
  }
}
