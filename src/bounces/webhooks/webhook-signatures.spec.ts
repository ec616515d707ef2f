import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { MAILGUN_MAX_AGE_SECONDS, mailgunSignatureValid } from './mailgun-signature';
import { basicAuthMatches } from './postmark-auth';
import { SENDGRID_MAX_AGE_SECONDS, sendgridSignatureValid } from './sendgrid-signature';
import { signedTimestampFresh } from './signed-timestamp';

describe('SendGrid signed event webhook', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const der = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const body = Buffer.from('[{"email":"a@example.com","event":"bounce"}]\r\n');
  const timestamp = '1700000000';
  const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), body]), privateKey).toString('base64');

  it('takes the signature over timestamp + the exact body', () => {
    expect(sendgridSignatureValid(der, signature, timestamp, body)).toBe(true);
  });

  it('refuses a changed body, timestamp or key, and junk', () => {
    expect(sendgridSignatureValid(der, signature, timestamp, Buffer.from(body.toString().trim()))).toBe(false);
    expect(sendgridSignatureValid(der, signature, '1700000001', body)).toBe(false);
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
    expect(
      sendgridSignatureValid(
        other.export({ format: 'der', type: 'spki' }).toString('base64'),
        signature,
        timestamp,
        body,
      ),
    ).toBe(false);
    expect(sendgridSignatureValid(der, 'bm90IGEgc2lnbmF0dXJl', timestamp, body)).toBe(false);
    expect(sendgridSignatureValid(der, undefined, timestamp, body)).toBe(false);
    expect(sendgridSignatureValid(der, signature, 'soon', body)).toBe(false);
  });

  it('takes timestamps within a day and ten minutes either way only (SendGrid retries for a day)', () => {
    const now = 1_700_000_000_000;
    const fresh = (secondsAgo: number) =>
      signedTimestampFresh(String(1_700_000_000 - secondsAgo), SENDGRID_MAX_AGE_SECONDS, now);
    expect(fresh(0)).toBe(true);
    expect(fresh(24 * 60 * 60)).toBe(true);
    expect(fresh(24 * 60 * 60 + 10 * 60 + 1)).toBe(false);
    expect(fresh(-(24 * 60 * 60 + 10 * 60 + 1))).toBe(false);
    expect(signedTimestampFresh('', SENDGRID_MAX_AGE_SECONDS, now)).toBe(false);
  });
});

describe('Mailgun webhook signature', () => {
  const key = 'key-0123456789abcdef0123456789abcdef';
  const timestamp = String(Math.floor(Date.now() / 1000));
  const token = 'a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0';
  const signature = createHmac('sha256', key)
    .update(timestamp + token)
    .digest('hex');

  it('takes HMAC-SHA256 of timestamp + token', () => {
    expect(mailgunSignatureValid(key, { timestamp, token, signature })).toBe(true);
    expect(mailgunSignatureValid(key, { timestamp, token, signature: signature.toUpperCase() })).toBe(true);
  });

  it('refuses another key, token or timestamp, and signatures of the wrong shape', () => {
    expect(mailgunSignatureValid('key-other-other-other', { timestamp, token, signature })).toBe(false);
    expect(mailgunSignatureValid(key, { timestamp, token: token + 'x', signature })).toBe(false);
    expect(mailgunSignatureValid(key, { timestamp: '1', token, signature })).toBe(false);
    expect(mailgunSignatureValid(key, { timestamp, token, signature: signature.slice(2) })).toBe(false);
    expect(mailgunSignatureValid(key, { timestamp, token, signature: 'zz' + signature.slice(2) })).toBe(false);
  });

  it('takes timestamps within five minutes either way only', () => {
    const now = 1_700_000_000_000;
    const fresh = (timestamp: string) => signedTimestampFresh(timestamp, MAILGUN_MAX_AGE_SECONDS, now);
    expect(fresh('1700000000')).toBe(true);
    expect(fresh(String(1_700_000_000 - 299))).toBe(true);
    expect(fresh(String(1_700_000_000 - 301))).toBe(false);
    expect(fresh(String(1_700_000_000 + 301))).toBe(false);
    expect(fresh('17e8')).toBe(false);
  });
});

describe('Postmark Basic credentials', () => {
  const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

  it('takes exactly the configured user and password', () => {
    expect(basicAuthMatches(basic('hooks:a long password here'), 'hooks', 'a long password here')).toBe(true);
    expect(
      basicAuthMatches(basic('hooks:a long password here:with colon'), 'hooks', 'a long password here:with colon'),
    ).toBe(true);
  });

  it('refuses anything else', () => {
    expect(basicAuthMatches(basic('hooks:wrong'), 'hooks', 'a long password here')).toBe(false);
    expect(basicAuthMatches(basic('other:a long password here'), 'hooks', 'a long password here')).toBe(false);
    expect(basicAuthMatches(basic('hooksa long password here'), 'hooks', 'a long password here')).toBe(false);
    expect(basicAuthMatches('Bearer abc', 'hooks', 'a long password here')).toBe(false);
    expect(basicAuthMatches(undefined, 'hooks', 'a long password here')).toBe(false);
  });
});
