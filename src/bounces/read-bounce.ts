import type { Classification, ClassifiedBounce } from './bounce-reasons';
import { readArf, readJmrp, readUnsubscribeRequest } from './arf-reader';
import { isSuccessNotice, mayBeBounce } from './bounce-signs';
import { afterStage, refusesSender } from './classify-status';
import { readDsn } from './dsn-reader';
import {
  addressOf,
  headerFields,
  headerList,
  MimeMessage,
  NotAReportError,
  originalMessageId,
  parseMessage,
  REPORT_LIMITS,
  textOf,
} from './mime-message';
import { classifyFinding, humanText, inlineMessageId, readPlainBounce } from './plain-bounce-reader';
import { readSesNotice } from './ses-notice-reader';
import { linesAround, stageNear } from './smtp-stage';

export interface BounceReading {
  /**
   * how it was read: an RFC 3464 DSN, an ARF or provider complaint, an Amazon SES notification mailed by SNS, a
   * plain-text bounce, or no bounce
   */
  kind: 'dsn' | 'arf' | 'ses' | 'plain' | 'none';
  /** one per failed recipient; empty for an auto-reply, a delivery notice, anything that is not a failure */
  bounces: ClassifiedBounce[];
  /** recipients the message names that are no failure (delivered, relayed, a not-spam report…) */
  ignored: number;
}

/**
 * Reads any raw message: a DSN (RFC 3464), an ARF report (RFC 5965), Hotmail's complaint feed, or the
 * plain-text bounces MTAs and providers write (Postfix, qmail, Exim, Sendmail, Exchange, Domino, Yahoo…).
 * Throws NotAReportError only for a message that cannot be parsed, names too many recipients, or is a report
 * whose report part lies past what REPORT_LIMITS lets be read.
 */
export async function readBounce(raw: Buffer | string, forwarded = false): Promise<BounceReading> {
  const message = await parseMessage(raw, true);
  const messageId = originalMessageId(message);
  const status = message.part('message/delivery-status', 'message/global-delivery-status', 'message/xdelivery-status');
  if (status) {
    const dsn = readDsn(textOf(status), messageId);
    // A delivery-status part without recipient blocks (Netscape, MIMEsweeper) leaves it to the text.
    if (dsn.bounces.length || dsn.ignored) {
      return { kind: 'dsn', bounces: withPlainText(message, dsn.bounces), ignored: dsn.ignored };
    }
  }
  const feedback = message.part('message/feedback-report');
  if (feedback) return { kind: 'arf', ...readArf(message, textOf(feedback), messageId) };
  // A report whose report part lies past what is read is refused rather than guessed at from its text.
  const reportType = /report-type\s*=\s*"?([\w-]+)/i.exec(message.header('content-type'))?.[1]?.toLowerCase();
  if (message.truncated && !status && (reportType === 'delivery-status' || reportType === 'feedback-report')) {
    throw new NotAReportError(
      `the report part is not within the first ${REPORT_LIMITS.lines} lines (${REPORT_LIMITS.bytes} bytes) read`,
    );
  }
  const jmrp = readJmrp(message);
  if (jmrp.length) return { kind: 'arf', bounces: jmrp, ignored: 0 };
  const unsubscribe = readUnsubscribeRequest(message, messageId);
  if (unsubscribe.length) return { kind: 'arf', bounces: unsubscribe, ignored: 0 };
  // A report forwarded as an attachment (a mail admin passing a DSN on) is read once, not deeper.
  const attached = message.part('message/rfc822');
  if (!forwarded && attached && /^content-type:\s*multipart\/report/im.test(textOf(attached).slice(0, 20_000))) {
    const inner = await readBounce(textOf(attached), true);
    if (inner.bounces.length || inner.ignored) return inner;
  }
  const ses = readSesNotice(message);
  if (ses) return { kind: ses.length ? 'ses' : 'none', bounces: ses, ignored: ses.length ? 0 : 1 };
  return readPlain(message, messageId);
}

function readPlain(message: MimeMessage, messageId: string | undefined): BounceReading {
  const subject = message.email.subject ?? message.header('subject');
  const from = message.header('from');
  const failedRecipients = (message.header('x-failed-recipients') || '')
    .split(',')
    .map((a) => addressOf(a))
    .filter((a): a is string => !!a);
  if (!mayBeBounce({ from, subject, failedRecipients: failedRecipients.length > 0 }))
    return { kind: 'none', bounces: [], ignored: 0 };
  const text = bodyText(message);
  if (!failedRecipients.length && isSuccessNotice(subject, humanText(text)))
    return { kind: 'none', bounces: [], ignored: 0 };
  const exclude = [from, message.header('to'), message.header('reply-to'), message.header('sender')]
    .map((v) => addressOf(v))
    .filter((a): a is string => !!a);
  const screenNameDomain = /@aol\.com\b/i.test(from) ? 'aol.com' : undefined;
  let findings = readPlainBounce(text, { failedRecipients, exclude, subject, screenNameDomain });
  // A bounce that names no address at all (some NDRs say only "not a valid user"): the returned message says
  // whom it was for.
  const returnedTo = findings.length ? null : originalRecipient(message);
  if (returnedTo) findings = [{ email: returnedTo, diagnostic: humanText(text).slice(0, 1000) }];
  const id = messageId ?? inlineMessageId(text);
  const human = humanText(text);
  return { kind: 'plain', bounces: findings.map((f) => classifyFinding(f, subject, id, human)), ignored: 0 };
}

/**
 * What the human-readable part adds to a DSN's blocks. Its transcript or "(in reply to …)" says which command a
 * refusal answered, which the Diagnostic-Code rarely does (see afterStage: a "user unknown" given only after DATA
 * is no hard bounce), and whether the remote refused our sender rather than the address (a Diagnostic-Code
 * keeps only the first line of a multi-line answer). And a block that says nothing known borrows what the text
 * says about the same address.
 */
function withPlainText(message: MimeMessage, bounces: ClassifiedBounce[]): ClassifiedBounce[] {
  const human = humanText(bodyText(message));
  const staged = bounces.map((b): ClassifiedBounce => {
    const read = { ...b, ...afterStage(b, stageNear(human, b.email)) };
    const aboutSender = read.type === 'hard' && linesAround(human, b.email).some(refusesSender);
    return aboutSender ? { ...read, type: 'blocked', reason: 'policy-blocked' } : read;
  });
  if (!staged.some(saysNothing)) return staged;
  const findings = readPlainBounce(bodyText(message), { failedRecipients: [], exclude: [], subject: '' });
  return staged.map((b) => {
    if (!saysNothing(b)) return b;
    const finding = findings.find((f) => f.email === b.email.toLowerCase());
    if (!finding) return b;
    const better = classifyFinding(finding, '', b.messageId);
    return saysNothing(better) ? b : { ...b, type: better.type, reason: better.reason };
  });
}

/** A reading that no rule made: the code's class alone (a permanent failure then is blocked/other). */
function saysNothing(c: Classification): boolean {
  return c.reason === 'other' && c.type !== 'soft';
}

/** The recipient a returned message was delivered for: its first Received's "for <…>", or else its To. */
function originalRecipient(message: MimeMessage): string | null {
  const original = message.part('message/rfc822', 'text/rfc822-headers', 'message/rfc822-headers');
  if (!original) return null;
  const head = textOf(original)
    .slice(0, 20_000)
    .split(/\r?\n\r?\n/, 1)[0];
  const received = headerList(head).find(([name]) => name === 'received')?.[1];
  const forAddress = received ? /\bfor\s+<([^<>\s]{1,254}@[^<>\s]{1,254})>/i.exec(received)?.[1] : undefined;
  return forAddress ?? addressOf(headerFields(head).get('to'));
}

function bodyText(message: MimeMessage): string {
  if (message.email.text) return message.email.text;
  // A part whose boundary parameter sits unfolded on its own line (Verizon's) hides its text from the parser.
  if (!message.email.html) return message.rawBody;
  // Some providers (AOL, Yahoo) send HTML only; the tags say nothing.
  return (message.email.html ?? '')
    .replace(/<[^>]{0,2000}>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}
