import { InjectQueue } from '@nestjs/bull';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { CampaignRenderJob } from './campaign-render-job';
import { JobName, QueueName, QueueOf } from '../queues/queues';
import { MailTransportService, SentMail } from './mail-transport.service';
import { OutgoingMail, toTransportMail } from './outgoing-mail';
import { SendRateLimiter } from './send-rate';
import { SmtpThreads } from './smtp-threads';

export type MailStream = 'transactional' | 'campaign';

export type { MailAddress, OutgoingMail } from './outgoing-mail';
export type { SentMail };
export { newMessageId } from './outgoing-mail';

/** Thrown by MailSender.send when the caller no longer wanted the mail once its turn came: nothing was sent. */
export class NotSent extends Error {
  constructor() {
    super('not sent: no longer wanted when its turn came');
  }
}

/**
 * Separate pools, so a campaign filling its connections never delays transactional mail; the campaign's
 * (SMTP_CONNECTIONS connections) runs in worker threads (SmtpThreads), so its CPU work does not either.
 */
const TRANSACTIONAL_POOL = { maxConnections: 2, maxMessages: 100 };
const CAMPAIGN_MESSAGES_PER_CONNECTION = 1000;

/**
 * The one way mail leaves, for both streams: one pooled transport per stream, the global SEND_RATE
 * (shared through Redis by every worker of every process), and headers that no CR or LF can reach.
 * Errors are thrown as nodemailer gives them; classifySmtpError says what they mean.
 */
@Injectable()
export class MailSender implements OnApplicationShutdown {
  private readonly transports: {
    transactional: MailTransportService;
    campaign: SmtpThreads;
  };
  private readonly rate?: SendRateLimiter;

  constructor(
    private readonly config: AppConfig,
    // Any Bull queue's client is a connection to the shared Redis; this one is always registered here.
    @InjectQueue(QueueName.Transactional) queue: QueueOf<typeof JobName.SendMessage>,
  ) {
    this.transports = {
      transactional: new MailTransportService(config, TRANSACTIONAL_POOL),
      // Campaign mail is large and many: composed, encoded and written in threads, away from the HTTP side.
      campaign: new SmtpThreads(config, {
        maxConnections: config.smtpConnections,
        maxMessages: CAMPAIGN_MESSAGES_PER_CONNECTION,
      }),
    };
    if (config.sendRate)
      this.rate = new SendRateLimiter(queue.client, `${config.queuePrefix}:send-rate`, config.sendRate);
  }

  /**
   * `stillWanted`, when given, is asked once the mail's turn came (after any wait for SEND_RATE); if it says
   * no, nothing is sent and NotSent is thrown.
   */
  async send(
    stream: MailStream,
    mail: OutgoingMail,
    stillWanted?: () => boolean | Promise<boolean>,
  ): Promise<SentMail> {
    const message = toTransportMail(mail, this.config);
    await this.turn(stillWanted);
    return this.transports[stream].send(message);
  }

  /**
   * A campaign message, composed in an SMTP thread from the job (CampaignComposer): as `send` on the campaign
   * stream otherwise. A message that cannot be composed fails with a ComposeError (isComposeError).
   */
  async sendCampaign(job: CampaignRenderJob, stillWanted?: () => boolean | Promise<boolean>): Promise<SentMail> {
    await this.turn(stillWanted);
    return this.transports.campaign.sendCampaign(job);
  }

  /** The mail's turn: SEND_RATE allows it, and the caller still wants it sent. */
  private async turn(stillWanted?: () => boolean | Promise<boolean>): Promise<void> {
    if (this.rate) await this.rate.acquire();
    if (stillWanted && !(await stillWanted())) throw new NotSent();
  }

  /**
   * Not in onModuleDestroy: Nest runs that before the queues' beforeApplicationShutdown, which lets the jobs
   * still sending finish; the connections close only once they have.
   */
  async onApplicationShutdown(): Promise<void> {
    this.transports.transactional.close();
    await this.transports.campaign.close();
  }
}
