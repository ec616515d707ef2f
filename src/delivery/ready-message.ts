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

/** The envelope nodemailer's SMTP connection takes: bare addresses, and the SIZE and 8BITMIME checks. */
export interface ReadyEnvelope {
  from: string | false;
  to: string[];
  size: number;
  use8BitMime: boolean;
  [other: string]: unknown;
}

/**
 * A message already made, bytes and all, as nodemailer's SMTP pool takes it (`transporter.send`): a MimeNode
 * for the envelope and the Message-ID, whose stream is the bytes in one piece. Bypasses the MIME tree's
 * streams (a PassThrough, a pipeline with its AbortSignal, a line-end transform, one socket write per header
 * and per part), which cost about as much again as composing the message. The envelope and the Message-ID are
 * given as made (the pool reads them through getEnvelope and messageId), not parsed again from headers.
 */
export class ReadyMimeNode extends MimeNode {
  constructor(
    readonly raw: Buffer,
    private readonly envelope: ReadyEnvelope,
    private readonly id: string,
  ) {
    // a fixed boundary base: this node has no parts, and MimeNode would draw random bytes for one
    super('message/rfc822', { baseBoundary: 'ready' });
  }

  override getEnvelope(): ReadyEnvelope {
    return this.envelope;
  }

  override messageId(): string {
    return this.id;
  }

  override createReadStream(): Readable {
    return new PassThrough().end(this.raw);
  }
}

// eslint-disable-next-line no-control-regex -- the test is for any byte outside US-ASCII
const NOT_ASCII = /[^\x00-\x7f]/;

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
    // The parts are US-ASCII whatever the bodies hold (7bit or quoted-printable), and so is the signature: when
    // the headers are too, the bytes are the characters, copied (latin1) rather than encoded as UTF-8.
    const raw = Buffer.from(text, NOT_ASCII.test(headers) ? 'utf8' : 'latin1');
    // One parse of the addresses (nodemailer's, punycode and all): the envelope given, else From and To.
    if (mail.envelope) root.setEnvelope({ ...(hasBoth(mail.envelope) ? {} : root.getEnvelope()), ...mail.envelope });
    // The SMTP checks nodemailer makes when given them: SIZE, and 8BITMIME when a byte is not US-ASCII.
    return new ReadyMimeNode(
      raw,
      { ...(root.getEnvelope() as ReadyEnvelope), size: raw.length, use8BitMime: raw.length !== text.length },
      root.messageId(),
    );
  }
}

function hasBoth(envelope: object): boolean {
  const e = envelope as { from?: unknown; to?: unknown };
  return !!e.from && !!e.to;
}
