import { getQueueToken } from '@nestjs/bull';
import { Queue } from 'bull';
import Redis from 'ioredis';
import { generateKeyPairSync } from 'node:crypto';
import { MailSender } from '../src/delivery/mail-sender.service';
import { SendRateLimiter } from '../src/delivery/send-rate';
import { QueueName } from '../src/queues/queues';
import { uniqueTag } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';
// mailauth ships no types for this entry point.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { dkimVerify } = require('mailauth/lib/dkim/verify') as {
  dkimVerify: (
    raw: Buffer,
    options: { resolver: (name: string, type: string) => Promise<string[][]> },
  ) => Promise<{ results: { status: { result: string; comment?: string | false } }[] }>;
};

describe('MailSender: DKIM, headers, SEND_RATE (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let publicKeyB64: string;

  beforeAll(async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    publicKeyB64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    sink = await new SmtpSink().start();
    t = await createTestApp({
      SMTP_URL: sink.url,
      MAIL_FROM: 'News <news@mail.example.org>',
      DKIM_DOMAIN: 'mail.example.org',
      DKIM_SELECTOR: 'mc1',
      DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  /** DNS for the verifier: only our selector's key record exists. */
  const resolver = (name: string, type: string): Promise<string[][]> => {
    if (type === 'TXT' && name === 'mc1._domainkey.mail.example.org')
      return Promise.resolve([[`v=DKIM1; k=rsa; p=${publicKeyB64}`]]);
    return Promise.reject(Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' }));
  };

  it('signs with DKIM, verified by a real verifier, covering both RFC 8058 headers', async () => {
    const to = `reader-${uniqueTag()}@example.com`;
    await t.app.get(MailSender).send('campaign', {
      to: { name: 'Reader', address: to },
      subject: 'Spring news',
      html: '<p>Hello</p>',
      text: 'Hello',
      headers: {
        'List-Unsubscribe': '<https://news.example.org/u/abc>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
    const [mail] = await sink.waitFor((m) => m.to.includes(to));
    const verdict = await dkimVerify(Buffer.from(mail.raw), { resolver });
    expect(verdict.results.map((r) => r.status.result)).toEqual(['pass']);
    const signature = mail.headers.get('dkim-signature')![0];
    const signed = /(?:^|;)\s*h=([^;]+)/.exec(signature)![1].replace(/\s+/g, '').toLowerCase().split(':');
    expect(signed).toEqual(
      expect.arrayContaining([
        'from',
        'to',
        'subject',
        'date',
        'message-id',
        'list-unsubscribe',
        'list-unsubscribe-post',
      ]),
    );
    expect(/(?:^|;)\s*d=([^;]+)/.exec(signature)![1].trim()).toBe('mail.example.org');

    // A changed signed header breaks the signature: the verifier really checks it.
    const tampered = mail.raw.replace(
      'List-Unsubscribe: <https://news.example.org/u/abc>',
      'List-Unsubscribe: <https://evil.example/u/abc>',
    );
    expect(tampered).not.toBe(mail.raw);
    expect((await dkimVerify(Buffer.from(tampered), { resolver })).results.map((r) => r.status.result)).not.toEqual([
      'pass',
    ]);
  });

  it('puts Message-ID, Date, From, To and Subject in once each, and no line break from data into any header', async () => {
    const to = `reader-${uniqueTag()}@example.com`;
    const sent = await t.app.get(MailSender).send('transactional', {
      to: { name: 'Eve\r\nBcc: victim@example.com', address: to },
      subject: 'Hi\r\nX-Injected: yes',
      html: '<p>x</p>',
      text: 'x',
      headers: { Subject: 'second subject', 'X-Note': 'a\nX-Injected-Too: yes', 'Bad\r\nName': 'v' },
    });
    const [mail] = await sink.waitFor((m) => m.to.includes(to));
    for (const name of ['message-id', 'date', 'from', 'to', 'subject']) expect(mail.headers.get(name)).toHaveLength(1);
    expect(mail.headers.has('x-injected')).toBe(false);
    expect(mail.headers.has('x-injected-too')).toBe(false);
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.to).toEqual([to]); // nobody added to the envelope
    expect(mail.parsed.subject).toBe('Hi X-Injected: yes');
    expect(mail.headers.get('message-id')![0]).toBe(sent.messageId);
    expect(sent.messageId).toMatch(/^<[0-9a-f-]{36}@mail\.example\.org>$/);
  });

  it('keeps SEND_RATE across processes: slots reserved through separate Redis connections never come closer than 1/rate', async () => {
    // Two connections stand for two worker processes sharing the Redis of the service.
    const options = t.app.get<Queue>(getQueueToken(QueueName.Transactional)).client.options;
    const a = new Redis(options);
    const b = new Redis(options);
    try {
      const key = `${t.config.queuePrefix}:rate-test-${uniqueTag()}`;
      const perSecond = 50;
      const limiters = [new SendRateLimiter(a, key, perSecond), new SendRateLimiter(b, key, perSecond)];
      const slots = await Promise.all(Array.from({ length: 40 }, (_, i) => limiters[i % 2].reserve()));
      const times = slots.map((s) => s.slot).sort((x, y) => x - y);
      const gaps = times.slice(1).map((time, i) => time - times[i]);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_000_000 / perSecond);
      // 40 sends at 50/s cannot all be allowed at once: the last waits at least 39 intervals after the first.
      expect(times[39] - times[0]).toBeGreaterThanOrEqual(39 * 20_000);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });
});
