/** What a bounce says about an address (see the contract, "Bounces and complaints"). */
export type BounceType = 'hard' | 'soft' | 'blocked' | 'complaint';

/**
 * Why a message bounced. Each reason belongs to one type, except `other`, which any type may carry:
 * - hard: `user-unknown` (no such mailbox), `domain-unknown` (no such domain, or no host takes mail for it),
 *   `mailbox-disabled` (disabled, suspended, closed or moved), `relay-denied` (the domain's mail host refuses
 *   to take mail for it).
 * - soft: `mailbox-full`, `message-too-large`, `rate-limited`, `greylisted`, `expired` (given up after
 *   retrying), `delayed` (still retrying), `connection-failed`.
 * - blocked: `spam-blocked` (the content was taken for spam), `reputation-blocked` (the sending IP or domain is
 *   on a block list), `auth-failed` (SPF, DKIM, DMARC), `virus`, `policy-blocked` (any other refusal of the
 *   message or sender).
 * - complaint: `complaint`.
 */
export const BOUNCE_REASONS = [
  'user-unknown',
  'domain-unknown',
  'mailbox-disabled',
  'relay-denied',
  'mailbox-full',
  'message-too-large',
  'rate-limited',
  'greylisted',
  'expired',
  'delayed',
  'connection-failed',
  'spam-blocked',
  'reputation-blocked',
  'auth-failed',
  'virus',
  'policy-blocked',
  'complaint',
  'other',
] as const;

export type BounceReason = (typeof BOUNCE_REASONS)[number];

export interface Classification {
  type: BounceType;
  reason: BounceReason;
}

/** One failed recipient a bounce or complaint message names. */
export interface ClassifiedBounce extends Classification {
  email: string;
  /** the RFC 3463 status code, when the message gives one */
  status?: string;
  /** what the remote server or the report said, in one line */
  diagnostic?: string;
  /** the Message-ID of the original message, when found */
  messageId?: string;
}
