import { AppConfig } from '../config/app-config';
import { TokenService } from './token.service';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const S = '10000000-0000-4000-8000-000000000001';
const M = '00000000-0000-4000-8000-000000000002';
const C = '30000000-0000-4000-8000-000000000003';
const L1 = '20000000-0000-4000-8000-000000000004';
const L2 = '20000000-0000-4000-8000-000000000005';

function service(secret = 'a-test-secret-that-is-long-enough-0123456789'): TokenService {
  return new TokenService({ appSecret: secret } as AppConfig);
}

const CONFIRM = { s: S, l: [L1] };

describe('TokenService', () => {
  afterEach(() => jest.useRealTimers());

  it('gives back the payload of a token it signed', () => {
    const tokens = service();
    const token = tokens.sign('confirm', { s: S, l: [L1, L2], t: 1700000000000 });
    expect(tokens.verify('confirm', token)).toEqual({ s: S, l: [L1, L2], t: 1700000000000 });
  });

  it('makes opaque, URL-safe tokens', () => {
    const token = service().sign('unsubscribe', { m: M, s: S, c: C }, 3600);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('rejects a token in which any single character was changed', () => {
    const tokens = service();
    const token = tokens.sign('confirm', { s: S, l: [L1] }, 3600);
    let tried = 0;
    for (let i = 0; i < token.length; i++) {
      for (const c of BASE64URL + '.') {
        if (c === token[i]) continue;
        const tampered = token.slice(0, i) + c + token.slice(i + 1);
        tried++;
        if (tokens.verify('confirm', tampered) !== null)
          throw new Error(`accepted with position ${i} changed to ${c}: ${tampered}`);
      }
    }
    expect(tried).toBe(token.length * BASE64URL.length);
  });

  it('rejects a token cut short, lengthened or empty', () => {
    const tokens = service();
    const token = tokens.sign('confirm', CONFIRM);
    expect(tokens.verify('confirm', token.slice(0, -1))).toBeNull();
    expect(tokens.verify('confirm', token + 'A')).toBeNull();
    expect(tokens.verify('confirm', token.slice(token.indexOf('.')))).toBeNull();
    expect(tokens.verify('confirm', '')).toBeNull();
  });

  it('does not verify a token of one purpose for another', () => {
    const tokens = service();
    const token = tokens.sign('confirm', CONFIRM);
    expect(tokens.verify('confirm', token)).not.toBeNull();
    for (const other of ['unsubscribe', 'preferences', 'open', 'click'] as const) {
      expect(tokens.verify(other, token)).toBeNull();
    }
  });

  it('does not verify a token signed with another secret', () => {
    const token = service('first-secret-first-secret-first-secret').sign('confirm', CONFIRM);
    expect(service('second-secret-second-secret-second-secret').verify('confirm', token)).toBeNull();
  });

  it('accepts a token until its time to live has passed, and not after', () => {
    jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    const tokens = service();
    const token = tokens.sign('preferences', { s: S }, 60);
    jest.setSystemTime(new Date('2030-01-01T00:00:59Z'));
    expect(tokens.verify('preferences', token)).toMatchObject({ s: S });
    jest.setSystemTime(new Date('2030-01-01T00:01:01Z'));
    expect(tokens.verify('preferences', token)).toBeNull();
  });

  it('treats a token signed with a negative time to live as already expired', () => {
    const tokens = service();
    expect(tokens.verify('confirm', tokens.sign('confirm', CONFIRM, -1))).toBeNull();
  });

  it('keeps the wire format: a token signed before typed claims still verifies, fields as written', () => {
    const tokens = service();
    // base64url('{"m":"…","s":"…","c":"…"}') signed the way every release has signed it.
    const data = Buffer.from(JSON.stringify({ m: M, s: S, c: C })).toString('base64url');
    const token = tokens.sign('unsubscribe', { m: M, s: S, c: C });
    expect(token.split('.')[0]).toBe(data);
    expect(tokens.verify('unsubscribe', token)).toEqual({ m: M, s: S, c: C });
  });

  it('gives typed claims per purpose, test sends included, with ids lower-cased', () => {
    const tokens = service();
    expect(tokens.verify('open', tokens.sign('open', { m: M.toUpperCase() }))).toEqual({ m: M });
    expect(tokens.verify('open', tokens.sign('open', { t: 1 }))).toEqual({ t: 1 });
    expect(tokens.verify('click', tokens.sign('click', { m: M, u: 'https://shop.example/a?b#c' }))).toEqual({
      m: M,
      u: 'https://shop.example/a?b#c',
    });
    expect(tokens.verify('click', tokens.sign('click', { t: 1, u: 'http://x.example/' }))).toEqual({
      t: 1,
      u: 'http://x.example/',
    });
    expect(tokens.verify('unsubscribe', tokens.sign('unsubscribe', { t: 1, c: C }))).toEqual({ t: 1, c: C });
    expect(tokens.verify('unsubscribe', tokens.sign('unsubscribe', { t: 1 }))).toEqual({ t: 1 });
    const prefs = tokens.verify('preferences', tokens.sign('preferences', { s: S }, 60));
    expect(prefs).toEqual({ s: S, exp: expect.any(Number) });
  });

  it('refuses well-signed tokens whose fields are missing or malformed', () => {
    const tokens = service();
    const raw = (purpose: Parameters<TokenService['sign']>[0], payload: Record<string, unknown>) =>
      tokens.sign(purpose, payload as never);
    const refused: [Parameters<TokenService['sign']>[0], Record<string, unknown>][] = [
      ['open', {}],
      ['open', { m: 'not-a-uuid' }],
      ['open', { m: 42 }],
      ['open', { t: 1, m: 'x' }],
      ['click', { m: M }],
      ['click', { m: M, u: 'javascript:alert(1)' }],
      ['click', { u: 'https://x.example/' }],
      ['click', { m: 'x', u: 'https://x.example/' }],
      ['unsubscribe', { m: M, s: S }],
      ['unsubscribe', { m: M, s: S, c: 'x' }],
      ['unsubscribe', { t: 1, s: S }],
      ['unsubscribe', { t: 2 }],
      ['preferences', {}],
      ['preferences', { s: 'x' }],
      // Tokens naming a message were once put in campaign mail: an old or forwarded mail opens nothing.
      ['preferences', { s: S, m: M }],
      ['confirm', { s: S }],
      ['confirm', { s: S, l: [] }],
      ['confirm', { s: S, l: [L1, 'x'] }],
      ['confirm', { s: S, l: L1 }],
      ['confirm', { s: 'x', l: [L1] }],
    ];
    for (const [purpose, payload] of refused) {
      expect([purpose, payload, tokens.verify(purpose, raw(purpose, payload))]).toEqual([purpose, payload, null]);
    }
  });

  it('does not verify a well-formed token of one purpose for another, even when its fields would fit', () => {
    const tokens = service();
    const open = tokens.sign('open', { m: M });
    expect(tokens.verify('open', open)).not.toBeNull();
    expect(tokens.verify('click', open)).toBeNull();
    const prefs = tokens.sign('preferences', { s: S });
    expect(tokens.verify('confirm', prefs)).toBeNull();
    expect(tokens.verify('unsubscribe', prefs)).toBeNull();
  });
});
