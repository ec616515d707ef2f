import PostalMime, { Attachment } from 'postal-mime';

export type BounceType = 'hard' | 'soft' | 'complaint';

/** One outcome a report tells about one recipient. */
export interface ReportedBounce {
  email: string;
  type: BounceType;
  /** the Message-ID of the original message, when the report carries it */
  messageId: string | null;
  /** what the report said, in one line: the status code and diagnostic, or the feedback type */
  detail: string;
}

export interface ParsedReport {
  kind: 'dsn' | 'arf';
  bounces: ReportedBounce[];
  /** recipients the report names that are not bounces (delivered, relayed, a not-spam report…) */
  ignored: number;
}

/** The message is not a multipart/report this service understands. */
export class NotAReportError extends Error {}

/** ARF feedback types that are a complaint by the recipient (RFC 5965 §7.3); not-spam, virus, auth-failure are not. */
const COMPLAINT_TYPES = new Set(['abuse', 'fraud', 'other']);

/**
 * How much of a report is read. postal-mime costs about 30 µs per line and 65 µs per MIME part (a 1 MB body
 * of 100,000 empty parts held the event loop for 14 s; 10 MB of short lines would hold it for minutes). What a
 * report tells sits at its head: the human-readable part, the status or feedback part, then the returned
 * message, of which only the headers are read. So only the first lines are parsed and the rest (the returned
 * message's body and attachments) is dropped unread. Each mail this service sends has one recipient, so a DSN
 * naming hundreds is not about our mail.
 */
export const REPORT_LIMITS = {
  /** lines of the raw message parsed; the rest is dropped */
  lines: 5_000,
  /** bytes of the raw message parsed, for messages of few, long lines */
  bytes: 1024 * 1024,
  /** recipient blocks of a DSN */
  recipients: 100,
} as const;

/**
 * Reads a raw bounce or complaint message:
 * - a DSN (RFC 3464: multipart/report; report-type=delivery-status): one outcome per recipient block.
 *   Action "failed" with a 5.x.x status (or none) is hard, with 4.x.x soft; "delayed" is soft;
 *   "delivered", "relayed" and "expanded" are no bounce.
 * - an ARF (RFC 5965: multipart/report; report-type=feedback-report): a complaint about the recipient in
 *   Original-Rcpt-To, or else the To of the returned message.
 * The Message-ID of the returned message (message/rfc822 or text/rfc822-headers part) links it to ours.
 */
export async function parseReport(raw: Buffer | string): Promise<ParsedReport> {
  const email = await PostalMime.parse(headOf(typeof raw === 'string' ? Buffer.from(raw) : raw), {
    attachmentEncoding: 'utf8',
  }).catch((e: Error) => {
    // postal-mime's own limits (nesting over 256 levels, headers over 2 MB) throw plain errors: the sender's mistake.
    throw new NotAReportError(`the message cannot be read: ${e.message}`);
  });
  const contentType = email.headers.find((h) => h.key === 'content-type')?.value ?? '';
  const reportType = /report-type\s*=\s*"?([\w-]+)/i.exec(contentType)?.[1]?.toLowerCase();
  const part = (type: string) => email.attachments.find((a) => a.mimeType === type);
  const status = part('message/delivery-status');
  const feedback = part('message/feedback-report');
  const original = part('message/rfc822') ?? part('text/rfc822-headers') ?? part('message/rfc822-headers');
  const originalHeaders = original
    ? headerFields(textOf(original).split(/\r?\n\r?\n/, 1)[0])
    : new Map<string, string>();
  const messageId = originalHeaders.get('message-id')?.trim() || null;

  if ((reportType === 'delivery-status' || !reportType) && status) return dsn(textOf(status), messageId);
  if ((reportType === 'feedback-report' || !reportType) && feedback)
    return arf(textOf(feedback), messageId, originalHeaders.get('to'));
  throw new NotAReportError(
    'the message is neither a delivery status notification (multipart/report; report-type=delivery-status) nor a feedback report (report-type=feedback-report)',
  );
}

function dsn(text: string, messageId: string | null): ParsedReport {
  const parts = text.split(/\r?\n\s*\r?\n/).filter((block) => block.trim());
  if (parts.length - 1 > REPORT_LIMITS.recipients)
    throw new NotAReportError(`the report names more than ${REPORT_LIMITS.recipients} recipients`);
  const blocks = parts.map(headerFields);
  const bounces: ReportedBounce[] = [];
  let ignored = 0;
  // The first block is about the message (Reporting-MTA…); each later one about a recipient.
  for (const fields of blocks.slice(1)) {
    const recipient = addressOf(fields.get('original-recipient')) ?? addressOf(fields.get('final-recipient'));
    const action = (fields.get('action') ?? '').trim().toLowerCase();
    if (!recipient || !action) continue;
    const code = statusCode(fields.get('status')) ?? statusCode(fields.get('diagnostic-code'));
    const type = classifyDsn(action, code);
    if (!type) {
      ignored++;
      continue;
    }
    const diagnostic = fields.get('diagnostic-code')?.trim();
    bounces.push({
      email: recipient,
      type,
      messageId,
      detail: oneLine(`dsn ${action} ${code ?? ''}${diagnostic ? `: ${diagnostic}` : ''}`),
    });
  }
  return { kind: 'dsn', bounces, ignored };
}

/** RFC 3464 action + RFC 3463 status class → bounce type; null for no bounce. */
export function classifyDsn(action: string, code: string | null): 'hard' | 'soft' | null {
  if (action === 'delayed') return 'soft';
  if (action !== 'failed') return null;
  return code?.startsWith('4') ? 'soft' : 'hard';
}

function arf(text: string, messageId: string | null, originalTo: string | undefined): ParsedReport {
  const fields = headerFields(text);
  const feedbackType = (fields.get('feedback-type') ?? 'abuse').trim().toLowerCase();
  const recipient = addressOf(fields.get('original-rcpt-to')) ?? addressOf(originalTo);
  if (!recipient || !COMPLAINT_TYPES.has(feedbackType)) return { kind: 'arf', bounces: [], ignored: 1 };
  const reporter = fields.get('user-agent')?.trim();
  return {
    kind: 'arf',
    bounces: [
      {
        email: recipient,
        type: 'complaint',
        messageId,
        detail: oneLine(`arf ${feedbackType}${reporter ? ` from ${reporter}` : ''}`),
      },
    ],
    ignored: 0,
  };
}

/** A header-like block (RFC 822 fields, folded lines joined) → lower-case name → first value. */
export function headerFields(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
  }
  return fields;
}

/** "rfc822; <ada@example.com>", "<ada@example.com>", "Ada <ada@example.com>" → "ada@example.com". */
function addressOf(value: string | undefined): string | null {
  if (!value) return null;
  const typed = /^\s*([\w-]+)\s*;\s*(.*)$/.exec(value);
  if (typed && typed[1].toLowerCase() !== 'rfc822') return null;
  const rest = typed ? typed[2] : value;
  const found = /<([^<>\s]+@[^<>\s]+)>/.exec(rest)?.[1] ?? /([^\s<>",;]+@[^\s<>",;]+)/.exec(rest)?.[1];
  return found ?? null;
}

/** The first RFC 3463 status code in a field ("5.1.1 (user unknown)", "smtp; 550 5.1.1 …"); a bare SMTP code as its class. */
function statusCode(value: string | undefined): string | null {
  if (!value) return null;
  const enhanced = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(value);
  if (enhanced) return enhanced[0];
  const smtp = /\b([245])\d\d\b/.exec(value);
  return smtp ? `${smtp[1]}.0.0` : null;
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
function textOf(a: Attachment): string {
  return (
    typeof a.content === 'string' ? a.content : Buffer.from(a.content as ArrayBuffer).toString('utf8')
  ).replaceAll('\u0000', '');
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim().slice(0, 1000);
}
