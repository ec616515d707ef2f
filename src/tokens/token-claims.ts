import { isUuid } from '../common/uuid';

/**
 * What each kind of token says, exactly as it is written in the token (field names are the wire format: tokens
 * already mailed must keep working, so they stay short and never change meaning).
 */

/** A test send or a preview: the token names nobody, so it records nothing and changes nothing. */
export interface TestClaims {
  t: 1;
}

/** The open pixel of message `m`. */
export type OpenClaims = { m: string } | TestClaims;

/** A tracked link to `u` (an http(s) URL) in message `m`; a test send's link names no message. */
export type ClickClaims = { m: string; u: string } | (TestClaims & { u: string });

/** The unsubscribe link of message `m` to subscriber `s`, sent by campaign `c`; a test send's may name its campaign. */
export type UnsubscribeClaims = { m: string; s: string; c: string } | (TestClaims & { c?: string });

/** The preference centre of subscriber `s` (mailed on request only, short-lived). */
export interface PreferencesClaims {
  s: string;
}

/**
 * The confirmation of subscriber `s`'s sign-up to lists `l`, issued at `t` (ms since the epoch; tokens from
 * before `t` existed lack it, and only their expiry tells when they were issued).
 */
export interface ConfirmClaims {
  s: string;
  l: string[];
  t?: number;
}

export interface ClaimsOf {
  open: OpenClaims;
  click: ClickClaims;
  unsubscribe: UnsubscribeClaims;
  preferences: PreferencesClaims;
  confirm: ConfirmClaims;
}

/** What a token is for. Each purpose signs with its own key, so no token works for another purpose. */
export type TokenPurpose = keyof ClaimsOf;

/** Verified claims, with the expiry (seconds since the epoch) of a token signed with a time to live. */
export type Verified<P extends TokenPurpose> = ClaimsOf[P] & { exp?: number };

type Payload = Record<string, unknown>;

const isTest = (p: Payload) => p.t === 1 && p.m === undefined && p.s === undefined;
const isHttpUrl = (u: unknown): u is string => typeof u === 'string' && /^https?:\/\//i.test(u);
const uuid = (v: string) => v.toLowerCase();

/**
 * The shape check of each purpose: the typed claims of a payload whose signature is valid, or null when a field
 * is missing or malformed. Ids come back lower-case.
 */
export const CLAIMS_OF: { [P in TokenPurpose]: (p: Payload) => ClaimsOf[P] | null } = {
  open: (p) => {
    if (isUuid(p.m)) return { m: uuid(p.m) };
    return isTest(p) ? { t: 1 } : null;
  },
  click: (p) => {
    if (!isHttpUrl(p.u)) return null;
    if (isTest(p)) return { t: 1, u: p.u };
    return isUuid(p.m) ? { m: uuid(p.m), u: p.u } : null;
  },
  unsubscribe: (p) => {
    if (isTest(p)) return isUuid(p.c) ? { t: 1, c: uuid(p.c) } : { t: 1 };
    return isUuid(p.m) && isUuid(p.s) && isUuid(p.c) ? { m: uuid(p.m), s: uuid(p.s), c: uuid(p.c) } : null;
  },
  preferences: (p) => {
    // Tokens naming a message (`m`) were put in campaign mail and on the unsubscribe page before links were only
    // ever mailed on request: an old or forwarded mail must not open anyone's data.
    if (p.m !== undefined || !isUuid(p.s)) return null;
    return { s: uuid(p.s) };
  },
  confirm: (p) => {
    const lists = p.l;
    if (!isUuid(p.s) || !Array.isArray(lists) || !lists.length || !lists.every(isUuid)) return null;
    const claims: ConfirmClaims = { s: uuid(p.s), l: lists.map(uuid) };
    if (typeof p.t === 'number') claims.t = p.t;
    return claims;
  },
};
