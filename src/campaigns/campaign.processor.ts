import { Process, Processor } from '@nestjs/bull';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bull';
import { JobName, JobOf, QueueName } from '../queues/queues';
import { CampaignRunsService } from './campaign-runs.service';
import { BatchOutcome, CampaignSenderService } from './campaign-sender.service';

/** Batch jobs of one process running at once (each sends a few messages at a time). */
const BATCH_CONCURRENCY = 2;

/**
 * The campaign queue's consumer. Jobs carry ids; everything else is read again from the database, so a
 * job for a paused, cancelled or deleted campaign does nothing. At boot, campaigns left running by a
 * stopped or crashed process are picked up again.
 */
@Processor(QueueName.Campaign)
export class CampaignProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(CampaignProcessor.name);

  constructor(
    private readonly runs: CampaignRunsService,
    private readonly sender: CampaignSenderService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runs.recoverAll().catch((err: unknown) => this.logger.error({ err }, 'campaign recovery failed'));
  }

  @Process(JobName.PrepareCampaign)
  prepare(job: Job<JobOf<typeof JobName.PrepareCampaign>>): Promise<'prepared' | 'skipped'> {
    return this.runs.prepare(job.data.campaignId);
  }

  @Process({ name: JobName.SendCampaignBatch, concurrency: BATCH_CONCURRENCY })
  batch(job: Job<JobOf<typeof JobName.SendCampaignBatch>>): Promise<BatchOutcome> {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return this.sender.runBatch(job.data.campaignId, job.data.messageIds, lastAttempt);
  }
}
