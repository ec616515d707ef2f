import { Injectable, Logger } from '@nestjs/common';
import { AudienceService } from './audience.service';
import { audienceOf } from './audience-spec';
import { CampaignJobsService } from './campaign-jobs.service';
import { CampaignMessagesService } from './campaign-messages.service';
import { Campaign, CampaignRepository } from './campaign.repository';

/** Subscribers read per audience page (keyset on subscriber id). */
const AUDIENCE_PAGE = 1000;
/** A scheduled campaign's job may fire this much early (timers, clocks of several machines). */
const EARLY_MS = 1000;

/**
 * Running a campaign from what the database says: preparing it (resolving the audience page by page into
 * message rows, each page's batches queued at once), and re-queuing whatever no live job will send
 * (after a crash, a lost Redis, a pause).
 */
@Injectable()
export class CampaignRunsService {
  private readonly logger = new Logger(CampaignRunsService.name);

  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly audience: AudienceService,
    private readonly messages: CampaignMessagesService,
    private readonly jobs: CampaignJobsService,
  ) {}

  async prepare(campaignId: string): Promise<'prepared' | 'skipped'> {
    let campaign = await this.campaigns.findById(campaignId);
    if (campaign?.status === 'scheduled') {
      // A campaign rescheduled later has another job for the new time; this one is stale.
      if (campaign.sendAt && campaign.sendAt.getTime() > Date.now() + EARLY_MS) return 'skipped';
      await this.campaigns.updateIfStatus(campaignId, ['scheduled'], { status: 'sending', startedAt: new Date() });
      campaign = await this.campaigns.findById(campaignId);
    }
    if (!campaign || !['sending', 'paused'].includes(campaign.status) || campaign.preparedAt) return 'skipped';

    let total = 0;
    // Leaving the loop early (a cancel, a throw) ends the audience's reading, which drops its segment snapshot.
    for await (const recipients of this.audience.pages(audienceOf(campaign), AUDIENCE_PAGE)) {
      const added = await this.messages.addRecipients(campaign, recipients);
      await this.jobs.batches(campaignId, added);
      total += added.length;
      const now = await this.campaigns.findStatus(campaignId);
      if (!now || now.status === 'cancelled') {
        // Rows added after the cancel went through: cancel them too.
        if (now) await this.messages.cancelQueued(campaignId);
        return 'skipped';
      }
    }
    await this.campaigns.markPrepared(campaignId);
    this.logger.log({ campaignId, added: total }, 'campaign audience resolved');
    if (total) await this.messages.refreshStatistics();
    await this.messages.finishIfDone(campaignId);
    return 'prepared';
  }

  /**
   * Queues again every message still to send that no live job covers; prepares again a campaign whose
   * audience was not fully resolved. Harmless to run at any time: messages are claimed one by one.
   */
  async requeue(campaign: Campaign): Promise<number> {
    if (campaign.status === 'scheduled') {
      await this.jobs.prepare(campaign.id, campaign.sendAt);
      return 0;
    }
    if (campaign.status !== 'sending') return 0;
    if (!campaign.preparedAt) await this.jobs.prepare(campaign.id, null, `again-${Date.now()}`);
    const pending = await this.messages.pendingIds(campaign.id);
    const covered = pending.length ? await this.jobs.coveredMessageIds(campaign.id) : new Set<string>();
    const uncovered = pending.filter((id) => !covered.has(id));
    const batches = await this.jobs.batches(campaign.id, uncovered, `:r${Date.now()}`);
    if (!pending.length) await this.messages.finishIfDone(campaign.id);
    return batches;
  }

  /** At boot: every campaign that should be running gets its jobs back. */
  async recoverAll(): Promise<void> {
    const running = await this.campaigns.findByStatus(['scheduled', 'sending']);
    for (const campaign of running) {
      const batches = await this.requeue(campaign);
      if (batches)
        this.logger.log({ campaignId: campaign.id, batches }, 'campaign recovered: unsent messages queued again');
    }
  }
}
