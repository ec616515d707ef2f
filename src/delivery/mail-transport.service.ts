import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Options as SendMailOptions, Transporter } from 'nodemailer/lib/mailer';
import type MailMessage from 'nodemailer/lib/mailer/mail-message';
import { AppConfig } from '../config/app-config';
import { DKIM_SIGNED_HEADERS, DkimSigner } from './dkim-signer';
import { useFastDotStuffing } from './dot-stuffing';
import { outboxDir, outboxFileName } from './outbox-files';
import { hasBothParts, ReadyMessages, ReadyMimeNode } from './ready-message';

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
 * A message with both bodies (every mail of the service's) is made here in one piece (ReadyMessages: the
 * bodies as 7bit or quoted-printable, the DKIM signature) and handed to the pool as it is.
 */
export class MailTransportService {
  private readonly transport: Transporter;
  private readonly outbox?: string;
  private readonly ready: ReadyMessages;

  constructor(
    private readonly config: AppConfig,
    pool: PoolOptions = {},
  ) {
    useFastDotStuffing();
    this.ready = new ReadyMessages(config.mailFrom, config.dkim && new DkimSigner(config.dkim));
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

  async send(mail: TransportMail): Promise<SentMail> {
    if (hasBothParts(mail)) return this.sendReady(this.ready.build(mail), mail.ref);
    // One part only (no mail of the service's, but the transport takes it): nodemailer composes and signs it.
    const { ref, ...message } = mail;
    const info = await this.transport.sendMail({ from: this.config.mailFrom, ...message });
    if (!this.outbox) return { messageId: info.messageId, response: String(info.response ?? '') };
    return this.writeToOutbox(info.message as Buffer, info.messageId, ref);
  }

  /** A message made here (ReadyMessages), bytes and all: straight to the pool, or to the outbox. */
  private async sendReady(message: ReadyMimeNode, ref: string | undefined): Promise<SentMail> {
    if (this.outbox) return this.writeToOutbox(message.raw, message.messageId(), ref);
    // The pool takes a MailMessage; of it, it reads only `message` (a MimeNode) and a few options in `data`.
    const mail = { data: {}, message } as unknown as MailMessage;
    const info = await new Promise<{ messageId: string; response?: string }>((resolve, reject) =>
      this.transport.transporter.send(mail, (err, sent) => (err ? reject(err) : resolve(sent as typeof info))),
    );
    return { messageId: info.messageId, response: String(info.response ?? '') };
  }

  private async writeToOutbox(raw: Buffer, messageId: string, ref: string | undefined): Promise<SentMail> {
    const outbox = this.outbox!;
    await mkdir(outbox, { recursive: true });
    const name = outboxFileName(ref);
    // Written under a temporary name first, so a reader of the outbox never sees half a message.
    const tmp = join(outbox, `.${name}.tmp`);
    await writeFile(tmp, raw);
    await rename(tmp, join(outbox, name));
    return { messageId, response: `written to ${join(outbox, name)}` };
  }

  /** Closes the pool's connections. */
  close(): void {
    this.transport.close();
  }
}
