import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import MimeNode from 'nodemailer/lib/mime-node';
import { DkimSigner } from './dkim-signer';
import type { TransportMail } from './mail-transport.service';
import { TextParts } from './text-parts';

/** A multipart/alternative message with both its bodies (the service's every mail). */
export type TwoPartMail = TransportMail & { html: string | Buffer; text: string | Buffer };

export function hasBothParts(mail: TransportMail): mail is TwoPartMail {
  return !!mail.html && !!mail.text;
}

/**
 * A message already made, bytes and all, as nodemailer's SMTP pool takes it (`transporter.send`): a MimeNode
 * for the envelope and the Message-ID, whose stream is the bytes in one piece. Bypasses the MIME tree's
 * streams (a PassThrough, a pipeline with its AbortSignal, a line-end transform, one socket write per header
 * and per part), which cost about as much again as composing the message.
 */
export class ReadyMimeNode extends MimeNode {
  constructor(readonly raw: Buffer) {
    super('message/rfc822');
  }

  override createReadStream(): Readable {
    return new PassThrough().end(this.raw);
  }
}

/** A per-thread random part of every boundary, then a counter: unique per message without a random draw each. */
const BOUNDARY_BASE = randomBytes(6).toString('hex');
let boundaryCount = 0;

/**
 * Makes the bytes of a two-part message the way nodemailer's MailComposer does: the headers by a MimeNode
 * (nodemailer's own encoding of names, subjects and addresses, Date, MIME-Version, the boundary), the bodies
 * as TextParts makes them, then the DKIM signature over both when configured.
 */
export class ReadyMessages {
  private readonly parts = new TextParts();

  constructor(
    private readonly defaultFrom: string,
    private readonly dkim?: DkimSigner,
  ) {}

  build(mail: TwoPartMail): ReadyMimeNode {
    const root = new MimeNode('multipart/alternative', {
      baseBoundary: `${BOUNDARY_BASE}${(boundaryCount++).toString(36)}`,
    });
    if (mail.headers) root.addHeader(mail.headers);
    root.setHeader('From', mail.from ?? this.defaultFrom);
    if (mail.to) root.setHeader('To', mail.to);
    if (mail.subject) root.setHeader('Subject', mail.subject);
    if (mail.messageId) root.setHeader('Message-ID', mail.messageId);
    const headers = root.buildHeaders();
    const boundary = root.boundary as string;
    const body =
      `--${boundary}\r\n${this.parts.part('text/plain', mail.text).raw}\r\n` +
      `--${boundary}\r\n${this.parts.part('text/html', mail.html).raw}\r\n` +
      `--${boundary}--\r\n`;
    const signature = this.dkim ? this.dkim.signatureFor(headers, body) : '';
    const text = `${signature}${headers}\r\n\r\n${body}`;
    const raw = Buffer.from(text, 'utf8');
    const ready = new ReadyMimeNode(raw);
    ready.setHeader('Message-ID', root.messageId());
    // The SMTP checks nodemailer makes when given them: SIZE, and 8BITMIME when a byte is not US-ASCII.
    ready.setEnvelope({
      ...root.getEnvelope(),
      ...(mail.envelope as object | undefined),
      size: raw.length,
      use8BitMime: raw.length !== text.length,
    });
    return ready;
  }
}
