import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether an Authorization header carries these HTTP Basic credentials (Postmark does not sign its webhooks:
 * the credentials go in the webhook's URL, https://user:password@host/…). Both parts are compared in constant
 * time, as digests so that lengths give nothing away either.
 */
export function basicAuthMatches(header: string | undefined, user: string, password: string): boolean {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]{1,1000})\s*$/i.exec(header ?? '')?.[1];
  if (!encoded) return false;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const userOk = sameText(decoded.slice(0, colon), user);
  const passwordOk = sameText(decoded.slice(colon + 1), password);
  return userOk && passwordOk;
}

function sameText(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
