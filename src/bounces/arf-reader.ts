import type { ClassifiedBounce } from './bounce-reasons';
import {
  addressOf,
  headerFields,
  headerList,
  MimeMessage,
  collapseWhitespace,
  REPORT_LIMITS,
  textOf,
} from './mime-message';

/** ARF feedback types that are a complaint by the recipient (RFC 5965 §7.3); not-spam, virus, auth-failure are not. */
const COMPLAINT_TYPES = new Set(['abuse', 'fraud', 'other']);

export interface ArfReading {
  bounces: ClassifiedBounce[];
  ignored: number;
}

/**
 * An ARF report (RFC 5965): a complaint about each recipient in Original-Rcpt-To, or else about the To of the
 * returned message. A DMARC failure report (auth-failure) or a not-spam report is no complaint.
 */
export function readArf(message: MimeMessage, feedbackText: string, messageId: string | undefined): ArfReading {
  const fields = headerFields(feedbackText);
  const feedbackType = (fields.get('feedback-type') ?? 'abuse').trim().toLowerCase();
  const rcpts = headerList(feedbackText)
    .filter(([name]) => name === 'original-rcpt-to')
    .map(([, value]) => addressOf(value))
    .filter((a): a is string => !!a);
  if (!rcpts.length) {
    const to = addressOf(originalHeader(message, 'to'));
    if (to) rcpts.push(to);
  }
  if (!rcpts.length || !COMPLAINT_TYPES.has(feedbackType)) return { bounces: [], ignored: Math.max(rcpts.length, 1) };
  const reporter = fields.get('user-agent')?.trim();
  const diagnostic = collapseWhitespace(`arf ${feedbackType}${reporter ? ` from ${reporter}` : ''}`);
  return {
    bounces: [...new Set(rcpts)].slice(0, REPORT_LIMITS.recipients).map((email) => ({
      email,
      type: 'complaint',
      reason: 'complaint',
      diagnostic,
      ...(messageId ? { messageId } : {}),
    })),
    ignored: 0,
  };
}

/**
 * Hotmail/Outlook.com's complaint feed (JMRP) is no ARF: a multipart/mixed holding the reported message, whose
 * X-HmXmrOriginalRecipient names who complained.
 */
export function readJmrp(message: MimeMessage): ClassifiedBounce[] {
  const original = message.part('message/rfc822');
  if (!original) return [];
  const head = headerFields(textOf(original).split(/\r?\n\r?\n/, 1)[0]);
  const email = addressOf(head.get('x-hmxmroriginalrecipient'));
  if (!email) return [];
  const messageId = head.get('message-id')?.trim();
  return [
    {
      email,
      type: 'complaint',
      reason: 'complaint',
      diagnostic: 'jmrp complaint',
      ...(messageId ? { messageId } : {}),
    },
  ];
}

/**
 * Apple Mail's "Unsubscribe" button, for a list that offers a mailto: List-Unsubscribe (RFC 2369), sends the
 * subscriber's own message to that address, marked `X-Apple-Unsubscribe: true`. It is the reader asking for no more
 * of our mail, like an ARF opt-out: read as a complaint by its From, so that campaigns stop at once.
 */
export function readUnsubscribeRequest(message: MimeMessage, messageId: string | undefined): ClassifiedBounce[] {
  if (!/^\s*true\s*$/i.test(message.header('x-apple-unsubscribe'))) return [];
  const email = addressOf(message.header('from'));
  if (!email) return [];
  return [
    {
      email,
      type: 'complaint',
      reason: 'complaint',
      diagnostic: 'unsubscribe request (X-Apple-Unsubscribe)',
      ...(messageId ? { messageId } : {}),
    },
  ];
}

function originalHeader(message: MimeMessage, name: string): string | undefined {
  const original = message.part('message/rfc822', 'text/rfc822-headers', 'message/rfc822-headers');
  return original ? headerFields(textOf(original).split(/\r?\n\r?\n/, 1)[0]).get(name) : undefined;
}
