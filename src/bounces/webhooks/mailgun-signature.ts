import { createHmac, timingSafeEqual } from 'node:crypto';

/** Mailgun's timestamp may be this far from our clock, either way; older ones are replays. */
export const MAILGUN_MAX_AGE_SECONDS = 5 * 60;

export interface MailgunSignature {
  timestamp: string;
  token: string;
  signature: string;
}

/**
 * Mailgun signs each webhook with HMAC-SHA256 of `timestamp + token` under the webhook signing key, hex encoded
 * (https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks). Compared in constant time.
 */
export function mailgunSignatureValid(signingKey: string, s: MailgunSignature): boolean {
  if (!/^[0-9a-f]{64}$/i.test(s.signature)) return false;
  const expected = createHmac('sha256', signingKey)
    .update(s.timestamp + s.token)
    .digest();
  return timingSafeEqual(expected, Buffer.from(s.signature, 'hex'));
}
