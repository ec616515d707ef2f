import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Options as SendMailOptions, Transporter } from 'nodemailer/lib/mailer';
import { AppConfig } from '../config/app-config';
import { outboxDir, outboxFileName } from './outbox-files';
import { TextParts } from './text-parts';

export interface SentMail {
  messageId: string;
  /** The SMTP server's answer, or the .eml file written. */
  response: string;
}

/** A message to send; `ref` names its outbox file (see outboxFileName) and is not sent. Bodies are rendered: text or its bytes. */
export interface TransportMail extends Omit<SendMailOptions, 'html' | 'text'> {
  html?: string | Buffer;
  text?: string | Buffer;
  ref?: string;
}

export interface PoolOptions {
  /** parallel SMTP connections of this pool */
  maxConnections?: number;
  /** messages per connection before it is renewed */
  maxMessages?: number;
}

/**
 * One pooled SMTP transport from SMTP_URL, or, without it, every message written as an .eml file
 * under dataDir/outbox. DKIM-signed when configured. MailSender keeps one per stream; send through it.
 */
export class MailTransportService {
  private readonly transport: Transporter;
  private readonly outbox?: string;
  private readonly parts = new TextParts();

  constructor(
    private readonly config: AppConfig,
    pool: PoolOptions = {},
  ) {
    const dkim = config.dkim ? { ...config.dkim, headerFieldNames: DKIM_SIGNED_HEADERS } : undefined;
    if (config.smtpUrl) {
      const url = new URL(config.smtpUrl);
      this.transport = nodemailer.createTransport({
        pool: true,
        host: url.hostname,
        port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 25)),
        secure: url.protocol === 'smtps:',
        auth: url.username
          ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
          : undefined,
        maxConnections: pool.maxConnections ?? 5,
        maxMessages: pool.maxMessages ?? 100,
        dkim,
      });
    } else {
      this.outbox = outboxDir(config.dataDir);
      this.transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows', dkim });
    }
  }

  async send({ ref, html, text, ...message }: TransportMail): Promise<SentMail> {
    const info = await this.transport.sendMail({
      from: this.config.mailFrom,
      ...message,
      // Both parts (multipart/alternative, as every mail of the service's has): sent as 7bit or encoded here
      // (TextParts), rather than by nodemailer each time. A single part is the message's root node, whose raw
      // form would replace its headers too: nodemailer encodes that one.
      ...(html && text
        ? { html: this.parts.part('text/html', html), text: this.parts.part('text/plain', text) }
        : { html, text }),
    });
    if (!this.outbox) return { messageId: info.messageId, response: String(info.response ?? '') };
    await mkdir(this.outbox, { recursive: true });
    const name = outboxFileName(ref);
    // Written under a temporary name first, so a reader of the outbox never sees half a message.
    const tmp = join(this.outbox, `.${name}.tmp`);
    await writeFile(tmp, info.message as Buffer);
    await rename(tmp, join(this.outbox, name));
    return { messageId: info.messageId, response: `written to ${join(this.outbox, name)}` };
  }

  /** Closes the pool's connections. */
  close(): void {
    this.transport.close();
  }
}

/** Headers covered by the DKIM signature: nodemailer's usual set plus both RFC 8058 headers. */
const DKIM_SIGNED_HEADERS =
  'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:Content-ID:' +
  'Content-Description:Resent-Date:Resent-From:Resent-Sender:Resent-To:Resent-Cc:Resent-Message-ID:In-Reply-To:References:' +
  'List-Id:List-Help:List-Unsubscribe:List-Unsubscribe-Post:List-Subscribe:List-Post:List-Owner:List-Archive:Feedback-ID';
