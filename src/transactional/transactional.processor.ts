import { Process, Processor } from '@nestjs/bull';
import { Logger, NotFoundException, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bull';
import { AppConfig } from '../config/app-config';
import { MailSender, newMessageId } from '../delivery/mail-sender.service';
import { FailureOutcome, MessageLogService } from '../delivery/message-log.service';
import { Message } from '../delivery/message.entity';
import { JobName, JobOf, QueueName } from '../queues/queues';
import { RenderedMessage, RendererService, TemplateSource } from '../templates/render/renderer.service';
import { TemplateDataError } from '../templates/template-errors';
import { TemplatesService } from '../templates/templates.service';
import { TransactionalService } from './transactional.service';

/** Parallel transactional sends per process; the stream's SMTP pool has its own connections. */
const CONCURRENCY = 4;

/**
 * Sends one transactional message. The job carries the message id; the row says what to send and whether
 * it still needs sending. Transactional mail goes out even to unsubscribed and suppressed addresses (an
 * order confirmation matters more than a bounce last year); it carries no List-Unsubscribe and no tracking.
 */
@Processor(QueueName.Transactional)
export class TransactionalProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(TransactionalProcessor.name);

  constructor(
    private readonly log: MessageLogService,
    private readonly sender: MailSender,
    private readonly templates: TemplatesService,
    private readonly renderer: RendererService,
    private readonly transactional: TransactionalService,
    private readonly config: AppConfig,
  ) {}

  @Process({ name: JobName.SendTransactional, concurrency: CONCURRENCY })
  async send(job: Job<JobOf<typeof JobName.SendTransactional>>): Promise<'sent' | 'skipped' | FailureOutcome> {
    const message = await this.log.find(job.data.messageId);
    if (!message || (message.status !== 'queued' && message.status !== 'sending')) return 'skipped';
    let rendered: RenderedMessage;
    try {
      rendered = this.renderer.fill(await this.renderer.compile(await this.sourceOf(message)), message.data ?? {});
    } catch (e) {
      // The data was checked at the API; failing now means the template changed under it: no retry helps.
      if (!(e instanceof TemplateDataError)) throw e;
      await this.log.markFailed(message.id, `cannot render: ${([] as string[]).concat(e.messages).join('; ')}`);
      return 'failed';
    }
    const smtpMessageId = message.smtpMessageId ?? newMessageId(this.config.mailFrom);
    if (!(await this.log.markSending(message.id, smtpMessageId))) return 'skipped';
    try {
      const sent = await this.sender.send('transactional', {
        to: { name: message.toName, address: message.toEmail },
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        messageId: smtpMessageId,
        ref: message.id,
      });
      await this.log.markSent(message.id, sent);
      return 'sent';
    } catch (err) {
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const outcome = await this.log.recordFailure(message, err, lastAttempt);
      this.logger.warn({ messageId: message.id, outcome, attempt: job.attemptsMade + 1 }, 'transactional message not accepted by SMTP');
      // Only what may still succeed is thrown: Bull retries it with the capped exponential backoff.
      if (outcome === 'deferred') throw err;
      return outcome;
    }
  }

  /** Messages the queue may have lost (Redis flushed, a crash before queueing) are queued again; job ids make it harmless. */
  async onApplicationBootstrap(): Promise<void> {
    const pending = await this.log.pendingTransactional();
    for (const id of pending) await this.transactional.enqueue(id);
    if (pending.length) this.logger.log({ count: pending.length }, 'pending transactional messages queued again');
  }

  /** Exactly the version validated at the API; if a new release no longer ships that built-in file, its current one. */
  private async sourceOf(message: Message): Promise<TemplateSource> {
    try {
      if (message.templateVersionId) return await this.templates.getVersion(message.templateVersionId);
    } catch (e) {
      if (!(e instanceof NotFoundException)) throw e;
    }
    return (await this.templates.resolve(message.template)).source;
  }
}
