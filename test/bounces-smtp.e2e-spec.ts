import { DataSource } from 'typeorm';
import { Message } from '../src/delivery/message.entity';
import { BounceRepository } from '../src/bounces/bounce.repository';
import { SuppressionService } from '../src/delivery/suppression.service';
import { BuiltInTemplates } from '../src/templates/built-in-templates';
import { makeApiKey, uniqueTag } from './support/factories';
import { freePort } from './support/free-port';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';
import { until } from './support/until';

/** What the SMTP server answers decides the message's fate: retried, bounced, or sent once it is back. */
describe('SMTP answers and outages (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let key: string;
  let db: DataSource;
  let placedSample: Record<string, unknown>;

  /** A service of its own whose SMTP server is not listening yet: `sink.start({}, port)` brings it up. */
  async function boot(): Promise<void> {
    const port = await freePort();
    sink = new SmtpSink();
    sink.port = port;
    t = await createTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    key = await makeApiKey(t, ['transactional:send']);
    db = t.app.get(DataSource);
    placedSample = t.app.get(BuiltInTemplates).get('order-placed')!.sample;
  }
  beforeEach(boot);
  afterEach(async () => {
    await t.close();
    await sink.stop();
  });

  async function send(email: string): Promise<string> {
    const res = await t
      .http()
      .post('/api/transactional/messages')
      .set('Authorization', `Bearer ${key}`)
      .send({ template: 'order-placed', to: { email }, data: placedSample })
      .expect(202);
    return res.body.id;
  }

  const row = (id: string) => db.getRepository(Message).findOneByOrFail({ id });
  async function eventsOf(id: string): Promise<string[]> {
    const res = await t.http().get(`/api/messages/${id}`).set('Authorization', `Bearer ${key}`).expect(200);
    return res.body.events.map((e: { type: string }) => e.type);
  }

  it('keeps a message while the SMTP server is down and sends it once the server is up', async () => {
    const email = `down-${uniqueTag()}@example.com`;
    const id = await send(email);
    await until(async () => (await eventsOf(id)).includes('deferred'), 'a deferred attempt');
    expect((await row(id)).status).toBe('queued');

    await sink.start({}, sink.port);
    await sink.waitFor((m) => m.to.includes(email), 1);
    await until(async () => (await row(id)).status === 'sent', 'status sent');
    const message = await row(id);
    expect(message.attempts).toBeGreaterThanOrEqual(2);
    const events = await eventsOf(id);
    expect(events[0]).toBe('queued');
    expect(events.at(-1)).toBe('sent');
    expect(events.filter((e) => e === 'sent')).toHaveLength(1);
  }, 60_000);

  it('retries a 451 with backoff until the server accepts, and everything arrives once', async () => {
    await sink.start({}, sink.port);
    const emails = [1, 2, 3].map((n) => `greylisted-${n}-${uniqueTag()}@example.com`);
    const refusals = new Map<string, number>();
    sink.reject = (rcpt) => {
      if (!emails.includes(rcpt)) return undefined;
      const n = refusals.get(rcpt) ?? 0;
      refusals.set(rcpt, n + 1);
      return n < 2 ? { code: 451, message: '4.7.1 Greylisted, try again later' } : undefined;
    };
    const ids = await Promise.all(emails.map(send));
    await sink.waitFor((m) => emails.some((e) => m.to.includes(e)), 3);
    for (const id of ids) await until(async () => (await row(id)).status === 'sent', 'status sent');
    for (const [i, id] of ids.entries()) {
      expect(sink.received.filter((m) => m.to.includes(emails[i]))).toHaveLength(1);
      expect((await row(id)).attempts).toBe(3);
      expect(await eventsOf(id)).toEqual(['queued', 'deferred', 'deferred', 'sent']);
    }
    // Greylisting is no reason to stop writing to someone.
    expect(await t.app.get(SuppressionService).isSuppressed(emails[0])).toBe(false);
    sink.reject = undefined;
  }, 60_000);

  it('marks a 550 as bounced, suppresses the address for campaigns and does not try again', async () => {
    await sink.start({}, sink.port);
    const email = `Gone-${uniqueTag()}@Example.com`;
    // The SMTP server lower-cases the domain of what it is given; compare as mail servers do.
    const isGone = (rcpt: string) => rcpt.toLowerCase() === email.toLowerCase();
    sink.reject = (rcpt) => (isGone(rcpt) ? { code: 550, message: '5.1.1 No such user' } : undefined);
    const suppressions = t.app.get(SuppressionService);
    expect(await suppressions.isSuppressed(email)).toBe(false);
    const id = await send(email);
    await until(async () => (await row(id)).status === 'bounced', 'status bounced');
    const res = await t.http().get(`/api/messages/${id}`).set('Authorization', `Bearer ${key}`).expect(200);
    expect(res.body).toMatchObject({ status: 'bounced', attempts: 1 });
    expect(res.body.events.map((e: { type: string }) => e.type)).toEqual(['queued', 'bounced']);
    expect(res.body.events[1].detail.error).toContain('550');
    // Suppressed whatever the case of the address.
    expect(await suppressions.isSuppressed(email.toLowerCase())).toBe(true);
    // In the bounce log the Bounces page and the reports read, as a hard bounce told by SMTP.
    await until(
      async () => (await t.app.get(BounceRepository).recent(50)).some((b) => b.messageId === id),
      'bounce logged',
    );
    const logged = (await t.app.get(BounceRepository).recent(50)).find((b) => b.messageId === id);
    expect(logged).toMatchObject({ type: 'hard', reason: 'user-unknown', source: 'smtp', suppressed: true });

    // Past the first backoff delay, the server has still been asked once only.
    await new Promise((r) => setTimeout(r, 2500));
    expect(sink.rcptAttempts.filter(isGone)).toHaveLength(1);
    expect(sink.received.filter((m) => m.to.some(isGone))).toHaveLength(0);
    expect((await row(id)).status).toBe('bounced');
    sink.reject = undefined;
  });

  it('fails a 552 5.2.2 (mailbox full) without suppressing, counts it as a soft bounce, and suppresses the third in a row', async () => {
    await sink.start({}, sink.port);
    const email = `full-${uniqueTag()}@example.com`;
    sink.reject = (rcpt) => (rcpt === email ? { code: 552, message: '5.2.2 Mailbox full' } : undefined);
    const suppressions = t.app.get(SuppressionService);
    const ids: string[] = [];
    for (let n = 1; n <= 3; n++) {
      const id = await send(email);
      ids.push(id);
      await until(async () => (await row(id)).status === 'failed', 'status failed');
      // The status first, then the soft bounce is counted (its 'deferred' event).
      await until(async () => (await eventsOf(id)).includes('deferred'), 'the soft bounce counted');
      const res = await t.http().get(`/api/messages/${id}`).set('Authorization', `Bearer ${key}`).expect(200);
      expect(res.body.attempts).toBe(1);
      const types = res.body.events.map((e: { type: string }) => e.type);
      expect(types).toEqual(['queued', 'failed', 'deferred']);
      expect(res.body.events[1].detail).toMatchObject({ type: 'soft', reason: 'mailbox-full' });
      expect(res.body.events[1].detail.error).toContain('552');
      // Two soft bounces leave the address alone; the third in a row suppresses it (right after its event).
      if (n === 3) await until(() => suppressions.isSuppressed(email), 'the address suppressed');
      else expect(await suppressions.isSuppressed(email)).toBe(false);
    }
    expect(sink.rcptAttempts.filter((r) => r === email)).toHaveLength(3);
    sink.reject = undefined;
  });

  it('fails a 550 5.7.1 spam refusal as blocked: never suppressed, a blocked event', async () => {
    await sink.start({}, sink.port);
    const email = `spamblock-${uniqueTag()}@example.com`;
    sink.reject = (rcpt) =>
      rcpt === email ? { code: 550, message: '5.7.1 Message rejected as spam by content filter' } : undefined;
    const id = await send(email);
    await until(async () => (await eventsOf(id)).includes('blocked'), 'the blocked event');
    expect((await row(id)).status).toBe('failed');
    expect(await eventsOf(id)).toEqual(['queued', 'failed', 'blocked']);
    expect(await t.app.get(SuppressionService).isSuppressed(email)).toBe(false);
    // Final: not tried again.
    await new Promise((r) => setTimeout(r, 2500));
    expect(sink.rcptAttempts.filter((r) => r === email)).toHaveLength(1);
    sink.reject = undefined;
  });

  it('still sends transactional mail to a suppressed address (order mail matters), and logs it', async () => {
    await sink.start({}, sink.port);
    const email = `suppressed-${uniqueTag()}@example.com`;
    await t.app.get(SuppressionService).suppress(email, 'hard-bounce', 'test');
    const id = await send(email);
    await sink.waitFor((m) => m.to.includes(email));
    await until(async () => (await row(id)).status === 'sent', 'status sent');
  });
});
