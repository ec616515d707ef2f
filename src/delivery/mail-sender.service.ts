import { InjectQueue } from '@nestjs/bull';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { JobName, QueueName, QueueOf } from '../queues/queues';
import { MailTransportService, SentMail } from './mail-transport.service';
import { SendRateLimiter } from './send-rate';
import { SmtpThreads } from './smtp-threads';

export type MailStream = 'transactional' | 'campaign';

export interface MailAddress {
  name?: string;
  address: string;
}

export interface OutgoingMail {
  to: MailAddress | string;
  /** default: MAIL_FROM */
  from?: MailAddress | string;
  subject: string;
  html: string;
  text: string;
  /** extra headers (List-Unsubscribe…); the headers every message has once are set here and cannot be given */
  headers?: Record<string, string>;
  /** `<id@domain>`; give the stored one so a retry goes out with the same Message-ID */
  messageId?: string;
  /** the id the mail belongs to (its message row, else its subscriber): names its outbox file, so erasure can delete it */
  ref?: string;
}

export type { SentMail };

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

/** Headers each message carries exactly once, set by the sender itself. */
const OWN_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'date',
  'message-id',
  'sender',
  'reply-to',
  'mime-version',
  'content-type',
]);

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
      // Campaign mail is large and many: encoded and written in a thread, away from the HTTP side.
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
    const from = addressOf(mail.from ?? this.config.mailFrom);
    const messageId = mail.messageId ? oneLine(mail.messageId) : newMessageId(from);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(mail.headers ?? {})) {
      const key = name.replace(/[^!-9;-~]/g, ''); // printable ASCII but ':' (RFC 5322 field name)
      if (key && !OWN_HEADERS.has(key.toLowerCase())) headers[key] = oneLine(value);
    }
    if (this.rate) await this.rate.acquire();
    if (stillWanted && !(await stillWanted())) throw new NotSent();
    return this.transports[stream].send({
      from,
      to: addressOf(mail.to),
      subject: oneLine(mail.subject),
      html: mail.html,
      text: mail.text,
      headers,
      messageId,
      ref: mail.ref,
    });
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

/** `<uuid@domain-of-from>`: unique, and from the sender's own domain as RFC 5322 suggests. */
export function newMessageId(from: MailAddress | string): string {
  const address = typeof from === 'string' ? (/<([^>]*)>/.exec(from)?.[1] ?? from) : from.address;
  const domain = address.slice(address.lastIndexOf('@') + 1).replace(/[^A-Za-z0-9.-]/g, '') || 'localhost';
  return `<${randomUUID()}@${domain}>`;
}

/** Defensive: what reaches a header is one line (the API refuses CR/LF before it gets here). */
export function oneLine(value: string): string {
  return value.replace(/[\r\n\0]+/g, ' ').trim();
}

function addressOf(value: MailAddress | string): MailAddress | string {
  if (typeof value === 'string') return oneLine(value);
  return { name: oneLine(value.name ?? ''), address: oneLine(value.address) };
}
