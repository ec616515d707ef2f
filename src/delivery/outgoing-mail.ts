import { randomUUID } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import { isUuid } from '../common/uuid';
import { headerLine } from '../common/header-line';
import { verpAddress } from '../bounces/verp';
import type { TransportMail } from './mail-transport.service';

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

/** What the sender needs of the configuration (AppConfig has it; so does the SMTP threads' copy). */
export interface SenderConfig {
  mailFrom: string;
  /** set: the envelope sender is a VERP address of this domain (README, Bounces) */
  bounceDomain?: string;
  appSecret: string;
}

/**
 * The mail as the transport takes it, whichever thread sends it: headers that no CR or LF can reach, the
 * headers every message has once left to the sender, a Message-ID of its own when none was given, and with
 * BOUNCE_DOMAIN a VERP envelope sender naming the message row, so its bounces find their way back to it.
 */
export function toTransportMail(mail: OutgoingMail, sender: SenderConfig): TransportMail {
  const defaultFrom = sender.mailFrom;
  const from = addressOf(mail.from ?? defaultFrom);
  const messageId = mail.messageId ? headerLine(mail.messageId) : newMessageId(from);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(mail.headers ?? {})) {
    const key = name.replace(/[^!-9;-~]/g, ''); // printable ASCII but ':' (RFC 5322 field name)
    if (key && !OWN_HEADERS.has(key.toLowerCase())) headers[key] = headerLine(value);
  }
  return {
    from,
    to: addressOf(mail.to),
    subject: headerLine(mail.subject),
    html: mail.html,
    text: mail.text,
    headers,
    messageId,
    ref: mail.ref,
    ...(sender.bounceDomain && isUuid(mail.ref)
      ? {
          envelope: {
            from: verpAddress({ ...sender, bounceDomain: sender.bounceDomain }, mail.ref, defaultFrom),
            to: bareAddress(mail.to),
          },
        }
      : {}),
  };
}

/** The address alone, for the envelope: "Ada <ada@example.com>" → ada@example.com. */
function bareAddress(value: MailAddress | string): string {
  if (typeof value !== 'string') return headerLine(value.address);
  return addressparser(headerLine(value), { flatten: true })[0]?.address ?? headerLine(value);
}

/** `<uuid@domain-of-from>`: unique, and from the sender's own domain as RFC 5322 suggests. */
export function newMessageId(from: MailAddress | string): string {
  const address = typeof from === 'string' ? (/<([^>]*)>/.exec(from)?.[1] ?? from) : from.address;
  const domain = address.slice(address.lastIndexOf('@') + 1).replace(/[^A-Za-z0-9.-]/g, '') || 'localhost';
  return `<${randomUUID()}@${domain}>`;
}

function addressOf(value: MailAddress | string): MailAddress | string {
  if (typeof value === 'string') return headerLine(value);
  return { name: headerLine(value.name ?? ''), address: headerLine(value.address) };
}
