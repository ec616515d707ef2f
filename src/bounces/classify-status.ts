import type { BounceReason, Classification } from './bounce-reasons';
import { matchText } from './diagnostic-rules';

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
 * is any refusal given after MAIL FROM, before a recipient was named: the recipient may be fine, so never hard.
 */
const SENDER_STATUS = /^[45]\.1\.[78]$/;
const AFTER_MAIL_FROM = /\b(?:after|in reply to) mail from\b/;
const AFTER_RCPT_TO = /\b(?:after|in reply to) rcpt to\b/;

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
 * - A delay warning, or any 4xx, is soft: the message is still being tried or may pass later.
 * - Otherwise the text decides when it says something known (see diagnostic-rules.ts): many 5.x.x answers are
 *   really full mailboxes or refusals of the content ("552 5.2.2 mailbox full", "550 5.7.1 rejected as spam").
 * - Otherwise the code: 5.1.1 hard user-unknown, 5.2.2 soft mailbox-full, 5.7.x blocked…
 * - A permanent failure that says nothing known is `blocked`/`other`: it is reported, but nobody is suppressed on
 *   a guess.
 */
export function classifyFailure(status: string | null, text: string, delayed = false): Classification {
  // Addresses say nothing about the failure, and may mislead ("junkmail@…" is no spam block).
  const words = text.slice(0, TEXT_LIMIT).replace(/[^\s<>"'()[\]]{1,64}@[^\s<>"'()[\]]{1,255}/g, ' ');
  const lower = words.toLowerCase();
  const rule = matchText(lower);
  if (delayed || status?.startsWith('4')) {
    if (rule?.type === 'soft' && rule.reason !== 'other') return { type: 'soft', reason: rule.reason };
    const byCode = status ? SOFT_CODE_REASONS.find(([p]) => p.test(status))?.[1] : undefined;
    return { type: 'soft', reason: byCode ?? (delayed ? 'delayed' : 'other') };
  }
  const both = status ? CODE_AND_TEXT_RULES.find(([code, said]) => code.test(status) && said.test(lower)) : undefined;
  if (both) return both[2];
  const byCode = status ? CODE_RULES.find(([p]) => p.test(status))?.[1] : undefined;
  const reading = textOrCode(rule, byCode, lower);
  if (reading.type !== 'hard') return reading;
  // A refusal of our sender ("550 5.1.7 No such domain" about the MAIL FROM domain) says nothing of the recipient.
  const aboutSender =
    (status && SENDER_STATUS.test(status)) || (AFTER_MAIL_FROM.test(lower) && !AFTER_RCPT_TO.test(lower));
  return aboutSender ? { type: 'blocked', reason: 'policy-blocked' } : reading;
}

function textOrCode(rule: Classification | null, byCode: Classification | undefined, lower: string): Classification {
  // "Recipient address rejected" is a refusal in general words; a 5.1.1 beside it says which kind, unless the
  // words say the recipient chose to refuse.
  const codeOverrides = rule?.reason === 'policy-blocked' && byCode?.type === 'hard' && !RECIPIENT_CHOICE.test(lower);
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

/**
 * A synchronous SMTP answer (the relay's `responseCode` and `response` text) read with the same rules as a
 * bounce: `550 5.1.1` is hard user-unknown, `552 5.2.2 mailbox full` soft, `550 5.7.1 … spam` blocked, any 4xx soft.
 */
export function classifySmtpAnswer(code: number, text: string): Classification {
  const body = String(text ?? '').slice(0, TEXT_LIMIT);
  const enhanced = enhancedCodeIn(body);
  const klass = code >= 400 && code < 600 ? String(Math.floor(code / 100)) : null;
  // The reply code is what the server meant; an enhanced code of another class is not to be trusted over it.
  const status = enhanced && (!klass || enhanced[0] === klass) ? enhanced : klass ? `${klass}.0.0` : enhanced;
  return classifyFailure(status, body);
}
