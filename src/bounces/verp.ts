import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUuid } from '../common/uuid';

/** What a VERP address is made from: the bounce domain and the secret its tokens are signed with. */
export interface VerpConfig {
  bounceDomain: string;
  appSecret: string;
}

/** RFC 4648 base32, lower-case: mail servers may lower-case a local part, and this survives it. */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
/** 16 uuid bytes in base32 (128 bits → 26 characters). */
const ID_CHARS = 26;
/** 40 bits of HMAC: guessing one valid address takes ~10^12 tries, and the address stays short. */
const MAC_CHARS = 8;
const TOKEN = new RegExp(`^[${ALPHABET}]{${ID_CHARS + MAC_CHARS}}$`);
/** RFC 5321's limit on a local part. */
const LOCAL_PART_MAX = 64;

/**
 * `<local>+<token>@<bounceDomain>`: the envelope sender of message `messageId`, so that a bounce to it names
 * the message even when its body names nothing. `<local>` is MAIL_FROM's local part when it is plain enough to
 * carry a `+` tag, else "bounces".
 */
export function verpAddress(config: VerpConfig, messageId: string, mailFrom: string): string {
  if (!isUuid(messageId)) throw new Error('a VERP address names a message row id (a uuid)');
  const id = Buffer.from(messageId.replace(/-/g, ''), 'hex');
  const token = base32(id) + base32(mac(config.appSecret, id)).slice(0, MAC_CHARS);
  const local = localPartOf(mailFrom);
  const prefix = local && local.length + 1 + token.length <= LOCAL_PART_MAX ? local : 'bounces';
  return `${prefix}+${token}@${config.bounceDomain.toLowerCase()}`;
}

/** The message row id a VERP address of ours names, or null for any other address or a token that fails its MAC. */
export function messageOfVerp(config: VerpConfig, address: string): string | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || address.slice(at + 1).toLowerCase() !== config.bounceDomain.toLowerCase()) return null;
  const local = address.slice(0, at).toLowerCase();
  const token = local.slice(local.lastIndexOf('+') + 1);
  if (local.lastIndexOf('+') < 0 || !TOKEN.test(token)) return null;
  const id = unbase32(token.slice(0, ID_CHARS)).subarray(0, 16);
  // The 26th character carries 2 bits beyond the 16 bytes; only one spelling of each id is ours.
  if (base32(id) !== token.slice(0, ID_CHARS)) return null;
  const given = Buffer.from(token.slice(ID_CHARS));
  const expected = Buffer.from(base32(mac(config.appSecret, id)).slice(0, MAC_CHARS));
  if (!timingSafeEqual(given, expected)) return null;
  const hex = id.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function mac(secret: string, id: Buffer): Buffer {
  return createHmac('sha256', secret).update('bounce\0').update(id).digest();
}

function localPartOf(mailFrom: string): string | null {
  const address = /<([^>]*)>/.exec(mailFrom)?.[1] ?? mailFrom;
  const at = address.lastIndexOf('@');
  const local = at > 0 ? address.slice(0, at).trim() : '';
  return /^[A-Za-z0-9._-]+$/.test(local) && !local.startsWith('.') && !local.endsWith('.') ? local : null;
}

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function unbase32(text: string): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    value = (value << 5) | ALPHABET.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  return Buffer.from(bytes);
}
