import { BadRequestException } from '@nestjs/common';
import { domainToASCII, domainToUnicode } from 'node:url';

/**
 * The one place an address becomes a key (`subscribers.email_key`, the suppression hash, an import's
 * seen-addresses, the duplicate check of the API): so that one person is one key however the address is
 * spelled. The address as typed is kept for display and sending; only the key is normalised:
 * - trimmed, and Unicode NFC, so a decomposed "zoë" (o + U+0308) is the composed one;
 * - the local part lower-cased (Unicode-aware: "ZOË" is "zoë"), as addresses have always been compared here;
 * - the domain in its ASCII form (IDNA, UTS #46 as browsers do it): "bücher.example" is "xn--bcher-kva.example",
 *   and so is "BÜCHER.example". A domain that has no such form (bad punycode, a joiner where none may be)
 *   is refused.
 * An all-ASCII address keeps exactly the key it always had (trimmed, lower-cased), so existing rows are
 * unchanged; only non-ASCII ones and `xn--` domains take the slow path.
 */
export function emailKeyOf(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  const domain = at < 0 ? '' : trimmed.slice(at + 1);
  if (ASCII.test(trimmed) && !/(^|\.)xn--/i.test(domain)) return trimmed.toLowerCase();
  if (at < 0) return lower(trimmed);
  const ascii = domainToASCII(domain.normalize('NFC'));
  if (!ascii)
    throw new InvalidAddressError(`email "${trimmed}" has a domain that is not a valid internationalised domain name`);
  return `${lower(trimmed.slice(0, at))}@${ascii}`;
}

/** emailKeyOf for an address already stored (a message's recipient, an old row): never throws, falls back to the old rule. */
export function storedEmailKeyOf(email: string): string {
  try {
    return emailKeyOf(email);
  } catch {
    return email.trim().toLowerCase();
  }
}

/** Whether emailKeyOf takes the address (for validation before it is used). */
export function hasEmailKey(email: string): boolean {
  try {
    emailKeyOf(email);
    return true;
  } catch {
    return false;
  }
}

/**
 * The keys this address may have been stored under before keys were normalised (trimmed and lower-cased
 * only, as typed): composed and decomposed, with the domain in Unicode or in ASCII. Hashes made from them
 * (the suppression list keeps only hashes, which no migration can re-key) still find the person.
 * Empty for an all-ASCII address: its key never changed.
 */
export function legacyKeysOf(email: string): string[] {
  const key = storedEmailKeyOf(email);
  if (ASCII.test(key) && !/(^|\.)xn--/.test(key.slice(key.lastIndexOf('@') + 1))) return [];
  const at = key.lastIndexOf('@');
  if (at < 0) return [...new Set([key.normalize('NFD')])].filter((k) => k !== key);
  const local = key.slice(0, at);
  const domain = key.slice(at + 1);
  const unicode = domainToUnicode(domain) || domain;
  const found = new Set<string>();
  for (const form of ['NFC', 'NFD'] as const)
    for (const d of [domain, unicode]) found.add(`${local}@${d}`.normalize(form));
  found.delete(key);
  return [...found];
}

/** A 400 wherever it is thrown: the address cannot be keyed. */
export class InvalidAddressError extends BadRequestException {}

// eslint-disable-next-line no-control-regex -- the whole ASCII range, control characters included
const ASCII = /^[\x00-\x7f]*$/;

function lower(text: string): string {
  return text.normalize('NFC').toLowerCase().normalize('NFC');
}
