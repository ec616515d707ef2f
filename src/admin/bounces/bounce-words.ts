import type { BounceReason, BounceType } from '../../bounces/bounce-reasons';

/** Each reason as an editor reads it. */
export const REASON_WORDS: Record<BounceReason, string> = {
  'user-unknown': 'No such mailbox',
  'domain-unknown': 'No such domain',
  'mailbox-disabled': 'Mailbox disabled or closed',
  'relay-denied': 'Their mail server refuses mail for the address',
  'mailbox-full': 'Mailbox full',
  'message-too-large': 'Message too large',
  'rate-limited': 'Too much mail at once (rate limit)',
  greylisted: 'Greylisted (try again later)',
  expired: 'Gave up after retrying',
  delayed: 'Delayed, still retrying',
  'connection-failed': 'Could not reach their mail server',
  'spam-blocked': 'Refused as spam',
  'reputation-blocked': 'Our sender is on a block list',
  'auth-failed': 'SPF, DKIM or DMARC failed',
  virus: 'Taken for a virus',
  'policy-blocked': 'Refused by their policy',
  complaint: 'Marked as spam by the reader',
  other: 'Other',
};

export const TYPE_WORDS: Record<BounceType, string> = {
  hard: 'Hard bounce',
  soft: 'Soft bounce',
  blocked: 'Blocked',
  complaint: 'Complaint',
};

export function reasonWords(reason: string): string {
  return REASON_WORDS[reason as BounceReason] ?? reason;
}

export function typeWords(type: string): string {
  return TYPE_WORDS[type as BounceType] ?? type;
}
