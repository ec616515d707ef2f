import type { IncomingMessage } from 'node:http';
import { clientIp, pixelHeaders, pixelToken } from './pixel-route';

describe('pixelToken', () => {
  const req = (method: string, url: string) => ({ method, url }) as Pick<IncomingMessage, 'method' | 'url'>;

  it('reads the token of GET and HEAD /o/<token>, with or without a query', () => {
    expect(pixelToken(req('GET', '/o/abc.def'))).toBe('abc.def');
    expect(pixelToken(req('HEAD', '/o/abc.def?utm=x'))).toBe('abc.def');
    expect(pixelToken(req('GET', '/o/abc%2Edef'))).toBe('abc.def');
  });

  it('leaves every other request to Express', () => {
    for (const [method, url] of [
      ['POST', '/o/abc'],
      ['GET', '/o/'],
      ['GET', '/o/abc/def'],
      ['GET', '/org/abc'],
      ['GET', '/api/o/abc'],
      ['GET', '/c/abc'],
    ]) {
      expect([method, url, pixelToken(req(method, url))]).toEqual([method, url, null]);
    }
  });
});

describe('pixelHeaders', () => {
  it('reads the first User-Agent and every X-Forwarded-For, whatever their case, as req.headers would', () => {
    const raw = [
      'Host',
      'x',
      'User-Agent',
      'Mail/1.0',
      'X-Forwarded-For',
      '10.0.0.1',
      'user-agent',
      'Other',
      'x-forwarded-for',
      '17.0.0.1',
    ];
    expect(pixelHeaders(raw)).toEqual({ userAgent: 'Mail/1.0', forwardedFor: '10.0.0.1, 17.0.0.1' });
    expect(pixelHeaders(['Host', 'x'])).toEqual({ userAgent: null, forwardedFor: null });
  });
});

describe('clientIp', () => {
  const loopbackOnly = (address: string) => address === '127.0.0.1';

  it('is the socket address without X-Forwarded-For or without a trusted proxy', () => {
    expect(clientIp('198.51.100.1', null, loopbackOnly)).toBe('198.51.100.1');
    expect(clientIp('198.51.100.1', '17.0.0.1', loopbackOnly)).toBe('198.51.100.1');
    expect(clientIp('127.0.0.1', '17.0.0.1', undefined)).toBe('127.0.0.1');
  });

  it('walks X-Forwarded-For from the right while the hop is trusted, like req.ip', () => {
    expect(clientIp('127.0.0.1', '17.0.0.1', loopbackOnly)).toBe('17.0.0.1');
    expect(clientIp('127.0.0.1', '10.9.9.9, 198.51.100.2', loopbackOnly)).toBe('198.51.100.2');
    expect(clientIp('127.0.0.1', '10.9.9.9, 127.0.0.1', loopbackOnly)).toBe('10.9.9.9');
  });
});
