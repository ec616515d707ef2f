import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bull';
import { deliveryJobOptions, JobName, JobOf, QueueName } from '../queues/queues';

/** Message ids per batch job. */
export const BATCH_SIZE = 200;

/**
 * Bull settings of the campaign queue: the capped backoff of both streams, and a short lock, so the batch
 * of a worker that died is run again within seconds (Bull moves it back to waiting once its lock expires).
 */
export const CAMPAIGN_LOCK_MS = 10_000;
export const campaignQueueSettings = {
  lockDuration: CAMPAIGN_LOCK_MS,
  lockRenewTime: CAMPAIGN_LOCK_MS / 2,
  stalledInterval: CAMPAIGN_LOCK_MS / 2,
  // A batch whose worker died again and again is still run; its messages are claimed one by one anyway.
  maxStalledCount: 20,
};

/**
 * The campaign queue's jobs, with deterministic ids so enqueueing twice is harmless:
 * `prepare:<campaignId>:<start|sendAt ms>` and `batch:<campaignId>:<first message id>` (recovery adds
 * `:r<time>` so a batch that failed for good and is kept in Redis does not swallow its replacement).
 */
@Injectable()
export class CampaignJobsService {
  constructor(@InjectQueue(QueueName.Campaign) private readonly queue: Queue) {}

  /**
   * `key` tells runs apart: the send time for a scheduled campaign, 'start' for one sent now, and something
   * new for a recovery (preparing again is harmless: only missing rows are added).
   */
  async prepare(
    campaignId: string,
    sendAt: Date | null,
    key: string = sendAt ? String(sendAt.getTime()) : 'start',
  ): Promise<void> {
    const delay = sendAt ? Math.max(0, sendAt.getTime() - Date.now()) : 0;
    const payload: JobOf<typeof JobName.PrepareCampaign> = { campaignId };
    await this.queue.add(JobName.PrepareCampaign, payload, {
      ...deliveryJobOptions,
      jobId: `prepare:${campaignId}:${key}`,
      delay,
    });
  }

  /**
   * A scheduled campaign's prepare job, queued again unless Redis holds it waiting, delayed or running: lost
   * (Redis flushed) or kept finished (it ran too early and skipped) it would never start the campaign. Answers
   * whether it queued one.
   */
  async ensurePrepare(campaignId: string, sendAt: Date | null): Promise<boolean> {
    const key = sendAt ? String(sendAt.getTime()) : 'start';
    const job = await this.queue.getJob(`prepare:${campaignId}:${key}`);
    if (job && !job.finishedOn) return false;
    if (job) await job.remove();
    await this.prepare(campaignId, sendAt, key);
    return true;
  }

  async batches(campaignId: string, messageIds: string[], suffix = ''): Promise<number> {
    const jobs = [];
    for (let i = 0; i < messageIds.length; i += BATCH_SIZE) {
      const ids = messageIds.slice(i, i + BATCH_SIZE);
      const payload: JobOf<typeof JobName.SendCampaignBatch> = { campaignId, messageIds: ids };
      jobs.push({
        name: JobName.SendCampaignBatch,
        data: payload,
        opts: { ...deliveryJobOptions, jobId: `batch:${campaignId}:${ids[0]}${suffix}` },
      });
    }
    if (jobs.length) await this.queue.addBulk(jobs);
    return jobs.length;
  }

  /** The message ids of a campaign that a live job (waiting, running, delayed for a retry, paused) will look at. */
  async coveredMessageIds(campaignId: string): Promise<Set<string>> {
    const covered = new Set<string>();
    const jobs = await this.queue.getJobs(['waiting', 'active', 'delayed', 'paused']);
    for (const job of jobs) {
      if (job?.name !== JobName.SendCampaignBatch) continue;
      const data = job.data as JobOf<typeof JobName.SendCampaignBatch>;
      if (data.campaignId === campaignId) for (const id of data.messageIds) covered.add(id);
    }
    return covered;
  }
}
