import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import { Job } from 'bull';
import { AppConfig } from '../config/app-config';
import { JobName, JobOf, QueueName } from '../queues/queues';
import { MailComposers } from './mail-composers';
import { MailSender, newMessageId } from './mail-sender.service';
import { FailureOutcome, MessageLogService } from './message-log.service';

/** Parallel sends per process; the transactional SMTP pool has its own connections. */
const CONCURRENCY = 4;

/**
 * A message marked 'sending' more recently than this may be in SMTP's hands right now, by another job of the
 * same message (the sweeper queued it again after Redis lost the first job while it ran): this job waits for
 * Bull's retry rather than sending it a second time. Bull's lock (30 s by default) hands the job of a worker
 * that died to another only once it expired, so a dead worker's message is older than this by then.
 */
export const SENDING_BUSY_MS = 30_000;

/** This message is perhaps being sent by another job right now: Bull retries this one later. */
export class MessageBusy extends Error {}

/**
 * Sends one outbox message, whatever its kind. The job carries the message id; the row says what to send
 * and whether it still needs sending, and the kind's composer writes the mail. SMTP refusals are handled
 * alike for every kind (MessageLogService.recordFailure): a 4xx is retried with the capped backoff, a hard
 * bounce is final and suppresses the address for campaigns.
 *
 * No kind is checked against the suppression list: order mail matters more than a bounce last year, a
 * confirmation or a preferences link was asked for just now by whoever holds the address (an erased address
 * cannot ask), and a test send goes to an address an editor typed. Campaign mail is checked in its own batches.
 * Every kind uses the transactional pool, so none waits behind a campaign's connections.
 */
@Processor(QueueName.Transactional)
export class OutboxProcessor {
  private readonly logger = new Logger(OutboxProcessor.name);

  constructor(
    private readonly log: MessageLogService,
    private readonly sender: MailSender,
    private readonly composers: MailComposers,
    private readonly config: AppConfig,
  ) {}

  @Process({ name: JobName.SendMessage, concurrency: CONCURRENCY })
  async send(job: Job<JobOf<typeof JobName.SendMessage>>): Promise<'sent' | 'skipped' | FailureOutcome> {
    const message = await this.log.find(job.data.messageId);
    if (!message || (message.status !== 'queued' && message.status !== 'sending')) return 'skipped';
    if (message.status === 'sending' && Date.now() - new Date(message.updatedAt).getTime() < SENDING_BUSY_MS)
      throw new MessageBusy(`message ${message.id} is being sent by another job`);
    const composed = await this.composers.of(message.kind).compose(message);
    if ('failed' in composed) {
      await this.log.markFailed(message.id, composed.failed);
      return 'failed';
    }
    if ('skipped' in composed) {
      await this.log.markSkipped(message.id, composed.skipped);
      return 'skipped';
    }
    const smtpMessageId =
      message.smtpMessageId ?? composed.mail.messageId ?? newMessageId(composed.mail.from ?? this.config.mailFrom);
    // Compare-and-set on what was read: of two jobs of one message (a job queued again), one sends it.
    if (!(await this.log.markSending(message.id, smtpMessageId, message))) return 'skipped';
    try {
      const sent = await this.sender.send('transactional', {
        ...composed.mail,
        to: { name: message.toName, address: message.toEmail },
        messageId: smtpMessageId,
        ref: message.id,
      });
      await this.log.markSent(message.id, sent);
      return 'sent';
    } catch (err) {
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const outcome = await this.log.recordFailure(message, err, lastAttempt);
      this.logger.warn(
        { messageId: message.id, kind: message.kind, outcome, attempt: job.attemptsMade + 1 },
        'message not accepted by SMTP',
      );
      // Only what may still succeed is thrown: Bull retries it with the capped exponential backoff.
      if (outcome === 'deferred') throw err;
      return outcome;
    }
  }
}
