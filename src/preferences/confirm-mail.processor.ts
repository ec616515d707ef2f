import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import { Job } from 'bull';
import { AppConfig } from '../config/app-config';
import { messageIdFor, OutboxService } from '../delivery/outbox.service';
import { JobName, JobOf, QueueName } from '../queues/queues';
import { SettingsService } from '../settings/settings.service';
import { TemplatesService } from '../templates/templates.service';
import { CONFIRM_TOKEN_DAYS, ConfirmationService } from './confirmation.service';

export const CONFIRM_TEMPLATE = 'subscription-confirm';

/**
 * Turns a request for the subscription-confirm mail into a message of the outbox (transactional stream, kind
 * 'confirmation'), which sends, retries and logs it like any other. The job carries ids only: what still awaits
 * confirmation is read again here, so a job for someone who confirmed, was erased or blocklisted meanwhile makes
 * no mail. The message id is derived from the job id (itself one per sign-up, see confirmJobId), so a retried job
 * makes no second mail.
 */
@Processor(QueueName.SystemMail)
export class ConfirmMailProcessor {
  private readonly logger = new Logger(ConfirmMailProcessor.name);

  constructor(
    private readonly confirmation: ConfirmationService,
    private readonly outbox: OutboxService,
    private readonly templates: TemplatesService,
    private readonly config: AppConfig,
    private readonly settings: SettingsService,
  ) {}

  @Process(JobName.SendSubscriptionConfirm)
  async send(job: Job<JobOf<typeof JobName.SendSubscriptionConfirm>>): Promise<'queued' | 'skipped'> {
    const pending = await this.confirmation.pending(job.data.subscriberId, job.data.listIds);
    if (!pending) return 'skipped';
    const { subscriber, lists } = pending;
    const token = this.confirmation.tokenFor(
      subscriber.id,
      lists.map((l) => l.id),
    );
    // The built-in `subscription-confirm` template, or a stored one with that slug that restyles it.
    const { source } = await this.templates.resolve(CONFIRM_TEMPLATE);
    const id = await this.outbox.send({
      id: messageIdFor(`${JobName.SendSubscriptionConfirm}:${String(job.id)}`),
      kind: 'confirmation',
      subscriberId: subscriber.id,
      to: { email: subscriber.email, name: subscriber.name },
      template: CONFIRM_TEMPLATE,
      templateVersionId: source.versionId,
      data: {
        subscriber: { email: subscriber.email, name: subscriber.name },
        lists: lists.map((l) => ({ name: l.name, description: l.description ?? undefined })),
        confirmUrl: `${this.config.publicUrl}/confirm/${token}`,
        validDays: CONFIRM_TOKEN_DAYS,
        companyAddress: (await this.settings.companyAddress()) || undefined,
      },
    });
    this.logger.log(
      { subscriberId: subscriber.id, lists: lists.length, messageId: id },
      'subscription confirmation queued',
    );
    return 'queued';
  }
}
