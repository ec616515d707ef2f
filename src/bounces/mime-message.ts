import PostalMime, { Attachment, Email } from 'postal-mime';

/**
 * How much of a message is read. postal-mime costs about 30 µs per line and 65 µs per MIME part (a 1 MB body
 * of 100,000 empty parts held the event loop for 14 s; 10 MB of short lines would hold it for minutes). What a
 * bounce tells sits at its head: the human-readable part, the status or feedback part, then the returned
 * message, of which only the headers matter. So only the first lines are parsed and the rest (the returned
 * message's body and attachments) is dropped unread. Each mail this service sends has one recipient, so a
 * report naming hundreds is not about our mail.
 */
export const REPORT_LIMITS = {
  /** lines of the raw message parsed; the rest is dropped */
  lines: 5_000,
  /** bytes of the raw message parsed, for messages of few, long lines */
  bytes: 1024 * 1024,
  /** recipient blocks of a DSN, recipients of a report */
  recipients: 100,
  /** characters of a text part scanned for a non-standard bounce */
  text: 64 * 1024,
} as const;

/** The message cannot be read as a bounce or complaint at all. */
export class NotAReportError extends Error {}

/** A parsed message, with what the readers ask of it. */
export interface MimeMessage {
  email: Email;
  header(name: string): string;
  /** the first attachment (a non-inline part) of one of these types */
  part(...types: string[]): Attachment | undefined;
  /** the raw body after the header, as read (for messages whose MIME structure is broken) */
  rawBody: string;
  /** the message was longer than REPORT_LIMITS and only its head was read */
  truncated: boolean;
}

export async function parseMessage(raw: Buffer | string, keepRaw = false): Promise<MimeMessage> {
  const whole = withoutLeadingBlankLines(typeof raw === 'string' ? Buffer.from(raw) : raw);
  const head = headOf(whole);
  const email = await PostalMime.parse(head, {
    attachmentEncoding: 'utf8',
    // A returned message is evidence, never the bounce's own text: keep it apart however it is marked.
    forceRfc822Attachments: true,
  }).catch((e: Error) => {
    // postal-mime's own limits (nesting over 256 levels, headers over 2 MB) throw plain errors: the sender's mistake.
    throw new NotAReportError(`the message cannot be read: ${e.message}`);
  });
  return {
    email,
    header: (name) => email.headers.find((h) => h.key === name)?.value ?? '',
    part: (...types) => email.attachments.find((a) => types.includes(a.mimeType.toLowerCase())),
    rawBody: keepRaw ? bodyOf(head.subarray(0, REPORT_LIMITS.text * 2).toString('latin1')) : '',
    truncated: head.length < whole.length,
  };
}

function bodyOf(raw: string): string {
  const end = /\r?\n\r?\n/.exec(raw);
  return (end ? raw.slice(end.index + end[0].length) : '').replaceAll('\u0000', '');
}

/**
 * A message whose first lines hold only spaces (as some mailbox exports and bounce collections save them) before
 * its header fields: to a parser a blank first line ends an empty header, and the whole message would read as
 * body. Such lines are dropped when a header field follows them; anything else is left as it came.
 */
function withoutLeadingBlankLines(raw: Buffer): Buffer {
  let start = 0;
  for (let lines = 0; lines < 5; lines++) {
    const newline = raw.indexOf(10, start);
    if (newline === -1 || !/^[ \t\r]*$/.test(raw.toString('latin1', start, newline))) break;
    start = newline + 1;
  }
  const next = raw.toString('latin1', start, Math.min(raw.length, start + 200));
  return start > 0 && /^(?:[\x21-\x39\x3b-\x7e]{1,76}:|From )/.test(next) ? raw.subarray(start) : raw;
}

/** The first REPORT_LIMITS.lines lines, at most REPORT_LIMITS.bytes: a message cut there still parses (unclosed parts end with it). */
function headOf(raw: Buffer): Buffer {
  let end = 0;
  for (let lines = 0; lines < REPORT_LIMITS.lines && end < raw.length; lines++) {
    const newline = raw.indexOf(10, end);
    end = newline === -1 ? raw.length : newline + 1;
  }
  return raw.subarray(0, Math.min(end, REPORT_LIMITS.bytes));
}

/** A part's text, without NUL characters (PostgreSQL cannot store them; a NUL in a Message-ID or diagnostic was a 500). */
export function textOf(a: Attachment): string {
  return (
    typeof a.content === 'string' ? a.content : Buffer.from(a.content as ArrayBuffer).toString('utf8')
  ).replaceAll('\u0000', '');
}

/** A header-like block (RFC 822 fields, folded lines joined) → lower-case name → first value. */
export function headerFields(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [name, value] of headerList(block)) if (!fields.has(name)) fields.set(name, value);
  return fields;
}

/** Every field of a header-like block, in order, repeated ones too. */
export function headerList(block: string): Array<[string, string]> {
  const list: Array<[string, string]> = [];
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    list.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return list;
}

/** "rfc822; <ada@example.com>", "<ada@example.com>", "Ada <ada@example.com>" → "ada@example.com". */
export function addressOf(value: string | undefined): string | null {
  if (!value) return null;
  const typed = /^\s*([\w-]+)\s*;\s*(.*)$/.exec(value);
  if (typed && typed[1].toLowerCase() !== 'rfc822') return null;
  const rest = typed ? typed[2] : value;
  const found = /<([^<>\s]+@[^<>\s]+)>/.exec(rest)?.[1] ?? /([^\s<>"',;:()[\]]+@[^\s<>"',;:()[\]]+)/.exec(rest)?.[1];
  return found ? found.replace(/\.$/, '') : null;
}

/** The Message-ID of a returned message, or of its headers (message/rfc822, text/rfc822-headers). */
export function originalMessageId(message: MimeMessage): string | undefined {
  const original = message.part('message/rfc822', 'text/rfc822-headers', 'message/rfc822-headers');
  if (!original) return undefined;
  const head = textOf(original).split(/\r?\n\r?\n/, 1)[0];
  return headerFields(head).get('message-id')?.trim() || undefined;
}

/** A text on one line for a log or a detail field: every run of whitespace one space, cut at `max`. */
export function collapseWhitespace(value: string, max = 1000): string {
  return value.replace(/\s+/g, ' ').trim().slice(0, max);
}
