import type { BounceReason, Classification } from './bounce-reasons';
import { matchText } from './diagnostic-rules';
import { refusalStage, SmtpStage } from './smtp-stage';

/** How much of a diagnostic the rules read: what decides sits at its start. */
const TEXT_LIMIT = 2000;

/** RFC 3463 subject.detail → what the code alone says, for a permanent (5.x.x) failure with no telling text. */
const CODE_RULES: ReadonlyArray<[RegExp, Classification]> = [
  [/^5\.1\.(?:0|1|3)$/, { type: 'hard', reason: 'user-unknown' }],
  [/^5\.1\.(?:2|10)$/, { type: 'hard', reason: 'domain-unknown' }],
  [/^5\.1\.6$/, { type: 'hard', reason: 'mailbox-disabled' }],
  [/^5\.2\.1$/, { type: 'hard', reason: 'mailbox-disabled' }],
  [/^5\.2\.2$/, { type: 'soft', reason: 'mailbox-full' }],
  [/^5\.(?:2\.3|3\.4)$/, { type: 'soft', reason: 'message-too-large' }],
  [/^5\.4\.4$/, { type: 'hard', reason: 'domain-unknown' }],
  [/^5\.4\.7$/, { type: 'soft', reason: 'expired' }],
  [/^5\.4\.[0-3]$/, { type: 'soft', reason: 'connection-failed' }],
  [/^5\.7\.(?:2[3-7])$/, { type: 'blocked', reason: 'auth-failed' }],
  [/^5\.7\.\d{1,3}$/, { type: 'blocked', reason: 'policy-blocked' }],
];

/** The same for a temporary (4.x.x) one: always soft, the code only names the reason. */
const SOFT_CODE_REASONS: ReadonlyArray<[RegExp, BounceReason]> = [
  [/^4\.2\.2$/, 'mailbox-full'],
  [/^4\.(?:2\.3|3\.4)$/, 'message-too-large'],
  [/^4\.4\.7$/, 'expired'],
  [/^4\.4\.[0-3]$/, 'connection-failed'],
  [/^4\.7\.\d{1,3}$/, 'rate-limited'],
];

/**
 * RFC 3463 X.1.7 (bad sender's mailbox address) and X.1.8 (bad sender's system address) are about our sender, as
 * is a refusal whose words say so ("550 5.1.0 <us@…> sender rejected"), or a remote's failed callout to our
 * sender (Exim's "Sender verify failed", which Sendmail passes on as "5.1.1 User unknown"): the recipient may be
 * fine, so never hard.
 */
const SENDER_STATUS = /^[45]\.1\.[78]$/;
const SENDER_REFUSED =
  /\bsender (?:address )?(?:rejected|refused|denied|blocked)\b|\brejected sender\b|\bsender (?:address )?verif(?:y|ication) failed\b|\bcould not verify (?:the )?sender\b|\bunverifiable sender\b/;

/** Whether a text says the refusal was about our sender (see SENDER_REFUSED). */
export function refusesSender(text: string): boolean {
  return SENDER_REFUSED.test(text.slice(0, TEXT_LIMIT).toLowerCase());
}

/**
 * RFC 7505: a domain that publishes a "null MX" accepts no mail at all, so a sender "SHOULD NOT" retry it (§4.1):
 * the address is permanently undeliverable, whatever class of status the MTA that found the null MX wrote
 * (Gmail writes 4.0.0).
 */
const NULL_MX = /\bnull mx\b|doesn'?t receive e-?mail according to|does not receive e-?mail according to/;

/**
 * A refusal that names nothing but the recipient address ("550 <ada@…>: Recipient address rejected.", in reply to
 * RCPT TO): the server refuses that address and gives no other cause. A refusal of the message or the sender says
 * why (Postfix's own rejects always name the restriction: "Recipient address rejected: Access denied").
 */
const BARE_RECIPIENT_REFUSAL = /recipient address rejected\.?\s*(?:\(in reply to rcpt to command\)\.?)?\s*$/;

/**
 * A refusal by the recipient's own choice ("Refused due to recipient preferences"): the address exists, so a
 * 5.1.1 beside it does not make it hard.
 */
const RECIPIENT_CHOICE =
  /recipient(?:'s)? (?:\w{1,20} )?preferences|(?:email|privacy|contact) preferences|(?:refused|rejected|blocked) (?:due to|by) (?:the )?recipient/;

/**
 * An answer whose code and words together mean more than either: Exchange Online's directory-based edge
 * blocking answers "550 5.4.1 Recipient address rejected: Access denied" for an address not in the tenant's
 * directory (Microsoft documents 5.4.1 so), whereas the same words with 5.7.1 elsewhere are a policy refusal.
 */
const CODE_AND_TEXT_RULES: ReadonlyArray<[RegExp, RegExp, Classification]> = [
  [/^5\.4\.1$/, /recipient address rejected: access denied/, { type: 'hard', reason: 'user-unknown' }],
];

/**
 * Classifies one failure from its RFC 3463 status (or the SMTP reply code's class) and its diagnostic text.
 * - A domain with a null MX (RFC 7505) is hard, whatever the status class says.
 * - A delay warning is soft, and so is any 4xx, except a final failure (the MTA gave up) whose words refuse the
 *   sender or the message (a missing PTR, a block list, spam, SPF): that is `blocked`, as a 5xx with them would be.
 * - Otherwise the text decides when it says something known (see diagnostic-rules.ts): many 5.x.x answers are
 *   really full mailboxes or refusals of the content ("552 5.2.2 mailbox full", "550 5.7.1 rejected as spam").
 * - Otherwise the code: 5.1.1 hard user-unknown, 5.2.2 soft mailbox-full, 5.7.x blocked…
 * - A permanent failure that says nothing known is `blocked`/`other`: it is reported, but nobody is suppressed on
 *   a guess.
 * - A hard reading is no hard bounce when the refusal was about our sender (`SENDER_STATUS`, `SENDER_REFUSED`,
 *   given to MAIL FROM) or came only after DATA (see `afterStage`).
 * `stage` is the command the refusal answered, read from the text unless the caller knows it better.
 */
export function classifyFailure(
  status: string | null,
  text: string,
  delayed = false,
  stage: SmtpStage | null = refusalStage(text),
): Classification {
  // Addresses say nothing about the failure, and may mislead ("junkmail@…" is no spam block).
  const words = text.slice(0, TEXT_LIMIT).replace(/[^\s<>"'()[\]]{1,64}@[^\s<>"'()[\]]{1,255}/g, ' ');
  const lower = words.toLowerCase();
  if (NULL_MX.test(lower)) return { type: 'hard', reason: 'domain-unknown' };
  const rule = matchText(lower);
  if (delayed || status?.startsWith('4')) {
    if (!delayed && rule?.type === 'blocked' && rule.reason !== 'policy-blocked')
      return { type: 'blocked', reason: rule.reason };
    if (rule?.type === 'soft' && rule.reason !== 'other') return { type: 'soft', reason: rule.reason };
    const byCode = status ? SOFT_CODE_REASONS.find(([p]) => p.test(status))?.[1] : undefined;
    return { type: 'soft', reason: byCode ?? (delayed ? 'delayed' : 'other') };
  }
  const both = status ? CODE_AND_TEXT_RULES.find(([code, said]) => code.test(status) && said.test(lower)) : undefined;
  if (both) return both[2];
  const byCode = status ? CODE_RULES.find(([p]) => p.test(status))?.[1] : undefined;
  const reading = textOrCode(rule, byCode, lower);
  if (reading.type !== 'hard') return reading;
  const aboutSender = (status && SENDER_STATUS.test(status)) || SENDER_REFUSED.test(lower);
  return aboutSender ? { type: 'blocked', reason: 'policy-blocked' } : afterStage(reading, stage);
}

/**
 * A hard reading checked against the command the refusal answered. Refused at MAIL FROM, it is about our sender.
 * Refused only after DATA, when RCPT TO had been accepted (RFC 5321 §3.3: the server took the address), it is
 * about the message, whatever the words ("550 Unknown user" from a receiving filter, as NTT docomo answers for
 * its users' filters): the address exists, so `blocked`. A transcript that shows the RCPT was refused and only
 * read after DATA (PIPELINING) is a RCPT refusal, and stays hard.
 */
export function afterStage(reading: Classification, stage: SmtpStage | null): Classification {
  if (reading.type !== 'hard' || (stage !== 'mail' && stage !== 'data')) return reading;
  return { type: 'blocked', reason: 'policy-blocked' };
}

function textOrCode(rule: Classification | null, byCode: Classification | undefined, lower: string): Classification {
  // "Recipient address rejected" is a refusal in general words; a 5.1.1 beside it says which kind, unless the
  // words say the recipient chose to refuse.
  const codeOverrides = rule?.reason === 'policy-blocked' && byCode?.type === 'hard' && !RECIPIENT_CHOICE.test(lower);
  if (rule?.reason === 'policy-blocked' && BARE_RECIPIENT_REFUSAL.test(lower))
    return { type: 'hard', reason: 'user-unknown' };
  if (rule && !codeOverrides) return { type: rule.type, reason: rule.reason };
  return byCode ?? { type: 'blocked', reason: 'other' };
}

/** The first RFC 3463 code in a text ("5.1.1", "#5.1.1"), or null. */
export function enhancedCodeIn(text: string): string | null {
  return /\b([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(text)?.[0] ?? null;
}

/** The first SMTP reply code (a 3-digit 4xx/5xx standing alone) in a text, or null. */
export function smtpCodeIn(text: string): number | null {
  const found = /(?:^|[\s:;(<#"-])([45][0-5]\d)(?=[\s\-:;,.)]|$)/.exec(text);
  return found ? Number(found[1]) : null;
}

/** What was reported about one failure: any of the SMTP reply code, an RFC 3463 status, and the text. */
export interface FailureReport {
  /** the SMTP reply code (550), when reported apart from the text */
  code?: number | null;
  /** the RFC 3463 status as a field of its own (a DSN's Status, a provider's status) */
  status?: string | null;
  text?: string | null;
}

const STATUS_FIELD = /^\s*([245]\.\d{1,3}\.\d{1,3})\b/;

/**
 * The one RFC 3463 status of a failure, however it was reported (a DSN block, a provider's event, a relay's
 * answer, a plain-text bounce); null when nothing gives a class.
 * - A status field of its own is the reporter's verdict and is taken as given…
 * - …except that a generic x.0.0 gives way to a more specific code of the same class in the text (an MTA's 5.0.0
 *   around the remote's own "550 5.1.1").
 * - Without one, the first code in the text, if the reply code agrees: the reply code is what the server meant,
 *   so an enhanced code of another class is not trusted over it ("450 5.1.1 …" is 4.0.0).
 * - Else the reply code's class (x.0.0), the reply code being the one given or else the first in the text.
 */
export function statusOf(report: FailureReport): string | null {
  const text = String(report.text ?? '').slice(0, TEXT_LIMIT);
  const inText = enhancedCodeIn(text);
  const field = STATUS_FIELD.exec(report.status ?? '')?.[1] ?? null;
  if (field) return /\.0\.0$/.test(field) && inText?.[0] === field[0] ? inText : field;
  const code = report.code ?? smtpCodeIn(text);
  const klass = code && code >= 400 && code < 600 ? String(Math.floor(code / 100)) : null;
  if (inText && (!klass || inText[0] === klass)) return inText;
  return klass ? `${klass}.0.0` : null;
}

/**
 * A synchronous SMTP answer (the relay's `responseCode` and `response` text) read with the same rules as a
 * bounce: `550 5.1.1` is hard user-unknown, `552 5.2.2 mailbox full` soft, `550 5.7.1 … spam` blocked, any 4xx
 * soft. `stage` is the command it answered, when the caller knows it.
 */
export function classifySmtpAnswer(code: number, text: string, stage?: SmtpStage | null): Classification {
  const body = String(text ?? '').slice(0, TEXT_LIMIT);
  return classifyFailure(statusOf({ code, text: body }), body, false, stage ?? refusalStage(body));
}
