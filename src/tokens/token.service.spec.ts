import { AppConfig } from '../config/app-config';
import { TokenService } from './token.service';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function service(secret = 'a-test-secret-that-is-long-enough-0123456789'): TokenService {
  return new TokenService({ appSecret: secret } as AppConfig);
}

describe('TokenService', () => {
  afterEach(() => jest.useRealTimers());

  it('gives back the payload of a token it signed', () => {
    const tokens = service();
    const token = tokens.sign('confirm', { s: 'subscriber-1', l: ['a', 'b'] });
    expect(tokens.verify('confirm', token)).toEqual({ s: 'subscriber-1', l: ['a', 'b'] });
  });

  it('makes opaque, URL-safe tokens', () => {
    const token = service().sign('unsubscribe', { s: 'x', m: 'y' }, 3600);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('rejects a token in which any single character was changed', () => {
    const tokens = service();
    const token = tokens.sign('confirm', { s: 'subscriber-1', l: ['list-1'] }, 3600);
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
    const token = tokens.sign('confirm', { s: 'x' });
    expect(tokens.verify('confirm', token.slice(0, -1))).toBeNull();
    expect(tokens.verify('confirm', token + 'A')).toBeNull();
    expect(tokens.verify('confirm', token.slice(token.indexOf('.')))).toBeNull();
    expect(tokens.verify('confirm', '')).toBeNull();
  });

  it('does not verify a token of one purpose for another', () => {
    const tokens = service();
    const token = tokens.sign('confirm', { s: 'x' });
    expect(tokens.verify('confirm', token)).not.toBeNull();
    for (const other of ['unsubscribe', 'preferences', 'open', 'click'] as const) {
      expect(tokens.verify(other, token)).toBeNull();
    }
  });

  it('does not verify a token signed with another secret', () => {
    const token = service('first-secret-first-secret-first-secret').sign('confirm', { s: 'x' });
    expect(service('second-secret-second-secret-second-secret').verify('confirm', token)).toBeNull();
  });

  it('accepts a token until its time to live has passed, and not after', () => {
    jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    const tokens = service();
    const token = tokens.sign('preferences', { s: 'x' }, 60);
    jest.setSystemTime(new Date('2030-01-01T00:00:59Z'));
    expect(tokens.verify('preferences', token)).toMatchObject({ s: 'x' });
    jest.setSystemTime(new Date('2030-01-01T00:01:01Z'));
    expect(tokens.verify('preferences', token)).toBeNull();
  });

  it('treats a token signed with a negative time to live as already expired', () => {
    const tokens = service();
    expect(tokens.verify('confirm', tokens.sign('confirm', { s: 'x' }, -1))).toBeNull();
  });
});
