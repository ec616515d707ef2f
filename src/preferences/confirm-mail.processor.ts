import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import { Job } from 'bull';
import { AppConfig } from '../config/app-config';
import { MailSender } from '../delivery/mail-sender.service';
import { JobName, JobOf, QueueName } from '../queues/queues';
import { TemplatesService } from '../templates/templates.service';
import { CONFIRM_TOKEN_DAYS, ConfirmationService } from './confirmation.service';
import { SettingsService } from '../settings/settings.service';

/**
 * Sends the subscription-confirm mail. The job carries ids only: what still awaits confirmation is
 * read again here, so a job for someone who confirmed, was erased or blocklisted meanwhile sends nothing.
 */
@Processor(QueueName.SystemMail)
export class ConfirmMailProcessor {
  private readonly logger = new Logger(ConfirmMailProcessor.name);

  constructor(
    private readonly confirmation: ConfirmationService,
    private readonly sender: MailSender,
    private readonly templates: TemplatesService,
    private readonly config: AppConfig,
    private readonly settings: SettingsService,
  ) {}

  @Process(JobName.SendSubscriptionConfirm)
  async send(job: Job<JobOf<typeof JobName.SendSubscriptionConfirm>>): Promise<'sent' | 'skipped'> {
    const pending = await this.confirmation.pending(job.data.subscriberId, job.data.listIds);
    if (!pending) return 'skipped';
    const { subscriber, lists } = pending;
    const token = this.confirmation.tokenFor(subscriber.id, lists.map((l) => l.id));
    // The built-in `subscription-confirm` template, or a stored one with that slug that restyles it.
    const mail = await this.templates.render('subscription-confirm', {
      subscriber: { email: subscriber.email, name: subscriber.name },
      lists: lists.map((l) => ({ name: l.name, description: l.description ?? undefined })),
      confirmUrl: `${this.config.publicUrl}/confirm/${token}`,
      validDays: CONFIRM_TOKEN_DAYS,
      companyAddress: (await this.settings.companyAddress()) || undefined,
    });
    // Names and addresses were refused with line breaks on the way in; this keeps any older row out of the headers too.
    await this.sender.send('transactional', {
      to: { name: oneLine(subscriber.name), address: oneLine(subscriber.email) },
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: { 'Auto-Submitted': 'auto-generated' },
      ref: subscriber.id, // no message row: its outbox file is named after the person
    });
    this.logger.log({ subscriberId: subscriber.id, lists: lists.length }, 'subscription confirmation sent');
    return 'sent';
  }
}

function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}
