import { Process, Processor } from '@nestjs/bull';
import { Job } from 'bull';
import { JobName, JobOf, QueueName } from '../queues/queues';
import { PreferencesLinkService } from './preferences-link.service';

/** Turns a preferences-link request into a message of the outbox, for a known subscriber only. */
@Processor(QueueName.SystemMail)
export class PreferencesLinkProcessor {
  constructor(private readonly links: PreferencesLinkService) {}

  @Process(JobName.SendPreferencesLink)
  send(job: Job<JobOf<typeof JobName.SendPreferencesLink>>): Promise<'queued' | 'skipped'> {
    return this.links.send(job.data.subscriberId, String(job.id));
  }
}
