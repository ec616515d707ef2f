import { legacyKeysOf } from '../subscribers/email-key';

/**
 * What erasure keeps of a message event's detail: the flags and facts behind the aggregate numbers
 * (machine open, scanner click, the link, an SMTP outcome), never where it came from (IP, user agent)
 * or anything else a tracker may have added. Strings kept have the person's address and name cut out.
 */
const KEPT_KEYS = new Set([
  'type',
  'kind',
  'machine',
  'proxy',
  'scanner',
  'human',
  'url',
  'link',
  'reason',
  'error',
  'response',
  'status',
  'code',
  'source',
]);
export const ERASED = '[erased]';

/** The strings to cut out of free text: the address (as stored, as a key and its other spellings, URL-encoded) and a name of 3+ characters. */
export function needlesOf(person: { email: string; emailKey: string; name: string }): string[] {
  const found = [
    person.email.trim(),
    person.emailKey,
    encodeURIComponent(person.emailKey),
    ...legacyKeysOf(person.emailKey),
  ];
  if (person.name.trim().length >= 3) found.push(person.name.trim());
  return [...new Set(found.filter(Boolean))];
}

/** `text` with every case-insensitive occurrence of a needle replaced by "[erased]". */
export function redact(text: string, needles: string[]): string {
  let out = text;
  for (const needle of needles) {
    const pattern = new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
    out = out.replace(pattern, ERASED);
  }
  return out;
}

export function mentions(text: string | null | undefined, needles: string[]): boolean {
  if (!text) return false;
  const lower = text.toLowerCase();
  return needles.some((n) => lower.includes(n.toLowerCase()));
}

/** The detail an event keeps after erasure; null when nothing is left. */
export function scrubDetail(detail: Record<string, unknown> | null, needles: string[]): Record<string, unknown> | null {
  if (!detail || typeof detail !== 'object') return null;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(detail)) {
    if (!KEPT_KEYS.has(key)) continue;
    if (typeof value === 'string') kept[key] = redact(value, needles);
    else if (typeof value === 'number' || typeof value === 'boolean') kept[key] = value;
  }
  return Object.keys(kept).length ? kept : null;
}
