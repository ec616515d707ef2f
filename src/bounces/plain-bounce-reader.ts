import type { ClassifiedBounce } from './bounce-reasons';
import { classifyFailure, enhancedCodeIn, statusOf } from './classify-status';
import { collapseWhitespace, REPORT_LIMITS } from './mime-message';

/** Where the returned message starts in a plain-text bounce: nothing past it is the bounce's own text. */
const ORIGINAL_STARTS =
  /^(?:-{2,80}.{0,40}(?:original message|this is a copy|below this line|original message follows|returned message|undelivered message|message text|message header|headers of)|original message follows|-{1,80} ?original message|\s{0,20}-{3,80} ?(?:the )?(?:original|returned|enclosed|undelivered) message|(?:received|return-path|message-id|dkim-signature|x-mailman-version|x-original-to|delivered-to):\s)/i;

/** An address: local part and domain of the usual characters; bounded, so matching stays linear. */
const ADDRESS = /[\w.!#$%&'*+/=?^`{|}~-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/g;

/** Addresses a bounce names that are never the failed recipient. */
const NOT_RECIPIENT = /^(?:mailer-daemon|postmaster|abuse|noreply|no-reply|root|hostmaster|webmaster)@/i;

/** Lines that say why, when the lines about an address do not. */
const REASON_LINE =
  /\b[45]\d\d\b|\b[45]\.\d{1,3}\.\d{1,3}\b|unknown|no such|not exist|full|quota|disabled|invalid|not found|unavailable|rejected|refused|denied|blocked|spam|expired|delayed|too large|exceed|not listed|illegal|discontinued|unable/i;

/** A subject announcing a delay warning rather than a failure. */
const WARNING_SUBJECT = /warning|delayed|delay\)|not yet been delivered/i;

/** A text saying the MTA is still trying. */
const STILL_TRYING =
  /will be retried|still being retried|not yet been delivered|has been postponed|will continue (?:trying|to try|to be made)|attempts will continue|warning message only|do not need to resend|will try again|has been delayed|is delayed/i;

export interface PlainFinding {
  email: string;
  diagnostic: string;
}

/**
 * Reads a bounce that has no delivery-status part: the text Postfix, qmail, Exim, Sendmail, Exchange, Domino,
 * Yahoo and others write for people. Each address the text names (but not the bounce's own sender or
 * receiver, nor postmaster-like ones) is taken as failed, with the lines around it, or else the text's lines
 * that give a code or a reason, as its diagnostic. `X-Failed-Recipients` (Exim), when present, names them.
 */
export function readPlainBounce(
  text: string,
  options: { failedRecipients: string[]; exclude: string[]; subject: string; screenNameDomain?: string },
): PlainFinding[] {
  const lines = humanText(text).split(/\r?\n/);
  const exclude = new Set(options.exclude.map((a) => a.toLowerCase()));
  let contexts = addressContexts(lines, exclude, true);
  // A bounce that names its recipient only in a quoted "To:" line (Yahoo's HTML ones).
  if (!contexts.size) contexts = addressContexts(lines, exclude, false);
  // AOL's old bounces name the recipients by screen name alone, one per indented line.
  if (options.screenNameDomain) {
    for (let i = 0; i < lines.length; i++) {
      const name = /^[ \t]+([a-z][\w.-]{2,31})\s*$/i.exec(lines[i])?.[1];
      if (name) contexts.set(`${name.toLowerCase()}@${options.screenNameDomain}`, lines.slice(0, i + 1).join(' '));
    }
  }
  let emails = [...contexts.keys()];
  if (options.screenNameDomain) emails = emails.filter((e) => e.endsWith(`@${options.screenNameDomain}`));
  if (options.failedRecipients.length) emails = options.failedRecipients.map((a) => a.toLowerCase());
  const fallback = lines
    .filter((l) => REASON_LINE.test(l))
    .slice(0, 5)
    .join(' ');
  return emails.slice(0, REPORT_LIMITS.recipients).map((email) => {
    const context = contexts.get(email) ?? '';
    const diagnostic = collapseWhitespace(REASON_LINE.test(context) ? context : `${context} ${fallback}`);
    return { email, diagnostic };
  });
}

/** Each address the lines name, with the lines around its first telling mention. */
function addressContexts(lines: string[], exclude: Set<string>, skipHeaderLines: boolean): Map<string, string> {
  const contexts = new Map<string, string>();
  // The line each address was last read on: another mention on it has the same lines around it (a line of junk
  // naming an address 100,000 times is read once, not 100,000 times).
  const readOn = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (skipHeaderLines && /^\s*(?:from|to|cc|reply-to|sender|return-path|mail from):/i.test(line)) continue;
    if (/^\s*(?:from|reply-to|sender|return-path|mail from):/i.test(line)) continue;
    // Message ids look like addresses ("Message-ID:<…@host>", with or without a space) and are none.
    if (/^\s*(?:message-id|references|in-reply-to|content-id)\s*:/i.test(line)) continue;
    for (const match of line.matchAll(ADDRESS)) {
      // Punctuation before a local part is the text around it ("#kijitora@…" ending a shell comment), not the address.
      const email = match[0].replace(/^[#=!$%&*/?^`{|}~'-]+|['`.]+$/g, '');
      const key = email.toLowerCase();
      const before = line.slice(Math.max(0, match.index - 200), match.index);
      if (exclude.has(key) || NOT_RECIPIENT.test(email) || /https?:\/\/\S*$/.test(before)) continue;
      if (readOn.get(key) === i) continue;
      readOn.set(key, i);
      const known = contexts.get(key);
      // The first lines that say why win; a later mention (a transcript's echo) only fills in.
      if (known !== undefined && REASON_LINE.test(known)) continue;
      const context = contextAt(lines, i);
      if (known === undefined || REASON_LINE.test(context)) contexts.set(key, context);
      if (contexts.size >= REPORT_LIMITS.recipients) break;
    }
    if (contexts.size >= REPORT_LIMITS.recipients) break;
  }
  return contexts;
}

/**
 * A finding classified: its code, if any; a delay warning is soft; a failure that gives no code is permanent.
 * `human` is the bounce's own text (humanText), read when the lines about the address say nothing known.
 */
export function classifyFinding(
  finding: PlainFinding,
  subject: string,
  messageId: string | undefined,
  human = '',
): ClassifiedBounce {
  const text = finding.diagnostic;
  const failure = /fail|undeliver|returned|unknown|error|rejected/i.test(subject);
  // What the text says wins over the subject: "Delivery failure notification… attempts will continue" is a delay.
  const delayed = STILL_TRYING.test(human.slice(0, 4000)) || (!failure && WARNING_SUBJECT.test(subject));
  const enhanced = enhancedCodeIn(text);
  const status = statusOf({ text }) ?? (delayed ? null : '5.0.0');
  let { type, reason } = classifyFailure(status, text, delayed);
  // Lines about the address that say nothing known: the rest of the bounce's own text may (one reason for all).
  if (reason === 'other' && human) ({ type, reason } = classifyFailure(status, human, delayed));
  return {
    email: finding.email,
    type,
    reason,
    ...(enhanced ? { status: enhanced } : {}),
    ...(text ? { diagnostic: text } : {}),
    ...(messageId ? { messageId } : {}),
  };
}

/** The bounce's own text: its first REPORT_LIMITS.text characters, up to where the returned message starts. */
export function humanText(text: string): string {
  const lines = text.slice(0, REPORT_LIMITS.text).split(/\r?\n/);
  const end = lines.findIndex((line, i) => i > 0 && ORIGINAL_STARTS.test(line));
  return (end === -1 ? lines : lines.slice(0, end)).join('\n');
}

/**
 * The line naming an address and the few after it, up to a blank line, after the lines just before it that name
 * no address: a transcript says why on the lines above ("mail.local: unknown user: kijitora" above "554
 * <kijitora@…>... Service unavailable"), and the rules then read them all, the most telling winning.
 */
function contextAt(lines: string[], i: number): string {
  const out = [lines[i]];
  for (let j = i - 1; j >= 0 && j >= i - 2 && isLeadIn(lines[j]); j--) out.unshift(lines[j]);
  for (let j = i + 1; j < lines.length && j <= i + 4 && lines[j].trim(); j++) out.push(lines[j]);
  // What decides sits at the start; a line of megabytes would only cost time further on.
  return out.join(' ').slice(0, 2000);
}

/** A line above an address that belongs to what is said about it: not blank, naming no address, no heading. */
function isLeadIn(line: string): boolean {
  return !!line.trim() && !/@|-{3}|^\s*(?:>>>|\.\.\.)/.test(line);
}

/** The Message-ID in a returned message quoted inline, after the bounce's own text. */
export function inlineMessageId(text: string): string | undefined {
  return /^message-id:\s*(<[^<>\s]{1,250}>)/im.exec(text.slice(0, REPORT_LIMITS.text))?.[1];
}
