import { Injectable } from '@nestjs/common';
import { createHmac, createSecretKey, KeyObject, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { CLAIMS_OF, ClaimsOf, TokenPurpose, Verified } from './token-claims';

export type * from './token-claims';

const SIGNATURE_BYTES = 16;

/**
 * Signed, opaque tokens: base64url(JSON payload) "." base64url(HMAC-SHA256 truncated to 128 bits).
 * Changing any character makes the token worthless; signatures are compared in constant time.
 * Each purpose has its own claims type (token-claims.ts): `verify` checks the signature, the expiry and the shape
 * of every field, so a reader gets typed claims or null.
 */
@Injectable()
export class TokenService {
  /** One key per purpose, derived from APP_SECRET once and kept as a KeyObject (cheaper per HMAC than a Buffer). */
  private readonly keys = new Map<TokenPurpose, KeyObject>();

  constructor(private readonly config: AppConfig) {}

  sign<P extends TokenPurpose>(purpose: P, claims: ClaimsOf[P], ttlSeconds?: number): string {
    const body = ttlSeconds ? { ...claims, exp: Math.floor(Date.now() / 1000) + ttlSeconds } : claims;
    const data = Buffer.from(JSON.stringify(body)).toString('base64url');
    return `${data}.${this.signature(purpose, data).toString('base64url')}`;
  }

  /** The claims of a valid, unexpired, well-formed token of this purpose; null for anything else. */
  verify<P extends TokenPurpose>(purpose: P, token: string): Verified<P> | null {
    const payload = this.payloadOf(purpose, token);
    if (!payload) return null;
    const claims = (CLAIMS_OF[purpose] as (p: Record<string, unknown>) => ClaimsOf[P] | null)(payload);
    if (!claims) return null;
    return typeof payload.exp === 'number' ? { ...claims, exp: payload.exp } : claims;
  }

  private payloadOf(purpose: TokenPurpose, token: string): Record<string, unknown> | null {
    if (typeof token !== 'string' || token.length > 4096) return null;
    const dot = token.indexOf('.');
    if (dot <= 0) return null;
    const data = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    // base64url decoding ignores stray characters, so the re-encoded form must match what was given.
    if (given.length !== SIGNATURE_BYTES || given.toString('base64url') !== token.slice(dot + 1)) return null;
    // The MAC covers `data` exactly as written, so no other spelling of the payload can pass.
    if (!timingSafeEqual(given, this.signature(purpose, data))) return null;
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(data, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
    const fields = payload as Record<string, unknown>;
    if (typeof fields.exp === 'number' && fields.exp < Date.now() / 1000) return null;
    return fields;
  }

  private signature(purpose: TokenPurpose, data: string): Buffer {
    let key = this.keys.get(purpose);
    if (!key) {
      key = createSecretKey(createHmac('sha256', this.config.appSecret).update(`token:${purpose}`).digest());
      this.keys.set(purpose, key);
    }
    return createHmac('sha256', key).update(data).digest().subarray(0, SIGNATURE_BYTES);
  }
}
