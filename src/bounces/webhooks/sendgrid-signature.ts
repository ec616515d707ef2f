import { createPublicKey, KeyObject, verify } from 'node:crypto';

export const SENDGRID_SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const SENDGRID_TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

/**
 * SendGrid's timestamp may be this far from our clock, either way; older ones are replays. SendGrid retries a
 * delivery we did not take for up to 24 hours after the event and does not say whether a retry is signed anew, so
 * the window spans those 24 hours (and 10 minutes of clock skew): a late retry is not turned away. Within it a
 * replay is told apart by what was signed (ProviderWebhooksService remembers it).
 */
export const SENDGRID_MAX_AGE_SECONDS = 24 * 60 * 60 + 10 * 60;

const keys = new Map<string, KeyObject>();

/**
 * SendGrid's signed event webhook: an ECDSA P-256 signature (base64, DER) over the timestamp header's value
 * followed by the body exactly as sent
 * (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features).
 */
export function sendgridSignatureValid(
  publicKeyBase64: string,
  signature: string | undefined,
  timestamp: string | undefined,
  payload: Buffer,
): boolean {
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  const sig = Buffer.from(signature, 'base64');
  // A DER ECDSA P-256 signature is 8 to 72 bytes; anything else is not worth verifying.
  if (sig.length < 8 || sig.length > 72) return false;
  let key = keys.get(publicKeyBase64);
  if (!key) {
    key = createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
    keys.set(publicKeyBase64, key);
  }
  try {
    return verify('sha256', Buffer.concat([Buffer.from(timestamp), payload]), { key, dsaEncoding: 'der' }, sig);
  } catch {
    return false; // a malformed DER signature
  }
}
