import { getQueueToken } from '@nestjs/bull';
import { Queue } from 'bull';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { DataSource } from 'typeorm';
import { Consent } from '../src/preferences/consent.entity';
import { QueueName } from '../src/queues/queues';
import { Subscriber } from '../src/subscribers/subscriber.entity';
import { Subscription } from '../src/subscribers/subscription.entity';
import { TokenService } from '../src/tokens/token.service';
import { SmtpSink, ReceivedMail } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

const TOKEN = '[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+';

describe('public sign-up with double opt-in (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let editor: string;
  let db: DataSource;
  let ipCount = 0;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url });
    editor = await t.tokenFor('editor');
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  /** Every call gets a client address of its own (trust proxy is on), so the per-IP limit stays out of the way. */
  const nextIp = () => `198.51.100.${++ipCount}`;
  const newEmail = (tag = 'p') => `${tag}-${randomBytes(4).toString('hex')}@example.com`;

  async function createList(
    optIn: 'single' | 'double',
    name = `List ${randomBytes(3).toString('hex')}`,
  ): Promise<string> {
    const res = await t
      .http()
      .post('/api/lists')
      .set('Authorization', `Bearer ${editor}`)
      .send({ name, optIn })
      .expect(201);
    return res.body.id;
  }

  function subscribe(body: object, ip = nextIp()) {
    return t.http().post('/api/public/subscribe').set('X-Forwarded-For', ip).send(body);
  }

  const subscriberOf = (email: string) => db.getRepository(Subscriber).findOneBy({ emailKey: email.toLowerCase() });
  const membership = (subscriberId: string, listId: string) =>
    db.getRepository(Subscription).findOneBy({ subscriberId, listId });
  const consentsOf = (subscriberId: string) => db.getRepository(Consent).findBy({ subscriberId });

  async function mailTo(email: string): Promise<ReceivedMail> {
    const [mail] = await sink.waitFor((m) => sentTo(m, email));
    return mail;
  }

  const sentTo = (m: ReceivedMail, email: string) => m.to.some((a) => a.toLowerCase() === email.toLowerCase());

  /** The confirm token, found in both parts of the mail (and the same in both). */
  function tokenIn(mail: ReceivedMail): string {
    const link = new RegExp(`${t.config.publicUrl.replace(/[.]/g, '\\.')}/confirm/(${TOKEN})`);
    const inText = link.exec(mail.parsed.text ?? '');
    const inHtml = link.exec(mail.parsed.html ?? '');
    expect(inText).not.toBeNull();
    expect(inHtml).not.toBeNull();
    expect(inHtml![1]).toBe(inText![1]);
    return inText![1];
  }

  /** Proves no mail went to `email`: a later sign-up's mail arrives first through the same FIFO queue, and no job names them. */
  async function expectNoMailTo(email: string, subscriberId: string) {
    const other = newEmail('later');
    await subscribe({ email: other, listIds: [await createList('double')] }).expect(202);
    await mailTo(other);
    expect(sink.received.filter((m) => sentTo(m, email))).toHaveLength(0);
    const queue = t.app.get<Queue>(getQueueToken(QueueName.SystemMail));
    const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
    expect(jobs.filter((j) => j?.data?.subscriberId === subscriberId)).toHaveLength(0);
  }

  it('double opt-in: 202, a multipart mail whose link shows a form on GET and confirms on POST, with consent recorded', async () => {
    const listId = await createList('double', 'Weekly Digest');
    const email = newEmail('Ada');
    const ip = nextIp();
    const res = await t
      .http()
      .post('/api/public/subscribe')
      .set('X-Forwarded-For', ip)
      .set('User-Agent', 'SignupTest/1.0')
      .set('Referer', 'https://shop.example/newsletter')
      .send({ email: `  ${email} `, name: 'Ada', listIds: [listId] })
      .expect(202);
    expect(res.body).toEqual({ status: 'accepted' });

    const subscriber = (await subscriberOf(email))!;
    expect(subscriber).toMatchObject({ email, name: 'Ada', status: 'enabled' });
    expect(await membership(subscriber.id, listId)).toMatchObject({ status: 'unconfirmed', confirmedAt: null });

    const mail = await mailTo(email);
    expect(mail.headers.get('content-type')?.[0]).toMatch(/^multipart\/alternative/);
    expect(mail.parsed.text).toContain('Weekly Digest');
    expect(mail.parsed.html).toContain('Weekly Digest');
    for (const header of ['message-id', 'date', 'from', 'to', 'subject'])
      expect(mail.headers.get(header)).toHaveLength(1);
    expect(mail.parsed.subject).toBe('Please confirm your subscription');
    expect(mail.parsed.to?.[0].address).toBe(email);
    const token = tokenIn(mail);

    const page = await t.http().get(`/confirm/${token}`).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<form method="post">');
    expect(page.text).toContain('Weekly Digest');
    expect(await membership(subscriber.id, listId)).toMatchObject({ status: 'unconfirmed', confirmedAt: null });
    expect((await consentsOf(subscriber.id))[0].confirmedAt).toBeNull();

    const done = await t.http().post(`/confirm/${token}`).type('form').send('').expect(200);
    expect(done.headers['content-type']).toMatch(/^text\/html/);
    expect(done.text).toContain("You're subscribed");
    expect(done.text).toContain('Weekly Digest');
    const confirmed = (await membership(subscriber.id, listId))!;
    expect(confirmed.status).toBe('confirmed');
    expect(confirmed.confirmedAt).toBeInstanceOf(Date);

    const consents = await consentsOf(subscriber.id);
    expect(consents).toHaveLength(1);
    expect(consents[0]).toMatchObject({
      listId,
      ip,
      userAgent: 'SignupTest/1.0',
      source: 'https://shop.example/newsletter',
    });
    expect(consents[0].createdAt).toBeInstanceOf(Date);
    expect(consents[0].confirmedAt).toBeInstanceOf(Date);

    // A second POST (a double click, a reload) shows the same page and changes nothing.
    const again = await t.http().post(`/confirm/${token}`).expect(200);
    expect(again.text).toBe(done.text);
    expect((await membership(subscriber.id, listId))!.confirmedAt).toEqual(confirmed.confirmedAt);
  });

  it('single opt-in: confirmed at once, consent confirmed, no mail', async () => {
    const listId = await createList('single');
    const email = newEmail('single');
    const ip = nextIp();
    await subscribe({ email, listIds: [listId] }, ip).expect(202);

    const subscriber = (await subscriberOf(email))!;
    const member = (await membership(subscriber.id, listId))!;
    expect(member.status).toBe('confirmed');
    expect(member.confirmedAt).toBeInstanceOf(Date);
    const [consent] = await consentsOf(subscriber.id);
    expect(consent).toMatchObject({ listId, ip, source: 'public-subscribe' });
    expect(consent.confirmedAt).toBeInstanceOf(Date);
    await expectNoMailTo(email, subscriber.id);
  });

  it('answers the same status and body for an unknown, a known and a blocklisted address', async () => {
    const listId = await createList('double');
    const email = newEmail('same');
    const unknown = await subscribe({ email, listIds: [listId] });
    const known = await subscribe({ email, listIds: [listId] });
    const blocked = newEmail('blocked');
    await subscribe({ email: blocked, listIds: [await createList('single')] }).expect(202);
    const blockedSubscriber = (await subscriberOf(blocked))!;
    await db.getRepository(Subscriber).update({ id: blockedSubscriber.id }, { status: 'blocklisted' });
    const blocklisted = await subscribe({ email: blocked, listIds: [listId] });

    for (const res of [unknown, known, blocklisted]) {
      expect(res.status).toBe(202);
      expect(res.body).toEqual(unknown.body);
    }
    // The blocklisted address got nothing: no membership, no consent, no mail.
    expect(await membership(blockedSubscriber.id, listId)).toBeNull();
    expect(await consentsOf(blockedSubscriber.id)).toHaveLength(1);
    await expectNoMailTo(blocked, blockedSubscriber.id);
  });

  it("never changes a known address's name or attributes, but adds the new membership", async () => {
    const [first, second] = [await createList('single'), await createList('single')];
    const email = newEmail('known');
    await subscribe({ email, name: 'Original Name', attributes: { city: 'Paris' }, listIds: [first] }).expect(202);
    await subscribe({
      email: email.toUpperCase(),
      name: 'Mallory',
      attributes: { city: 'Elsewhere' },
      listIds: [second],
    }).expect(202);

    const subscriber = (await subscriberOf(email))!;
    expect(subscriber).toMatchObject({ email, name: 'Original Name', attributes: { city: 'Paris' } });
    expect(await db.getRepository(Subscriber).countBy({ emailKey: email })).toBe(1);
    expect((await membership(subscriber.id, second))!.status).toBe('confirmed');
  });

  it('does not bring back an unsubscribed member without the confirmation mail, even on a single opt-in list', async () => {
    const listId = await createList('single', 'Offers');
    const email = newEmail('left');
    await subscribe({ email, listIds: [listId] }).expect(202);
    const subscriber = (await subscriberOf(email))!;
    const left = new Date(Date.now() - 60_000);
    await db
      .getRepository(Subscription)
      .update({ subscriberId: subscriber.id, listId }, { status: 'unsubscribed', unsubscribedAt: left });

    await subscribe({ email, listIds: [listId] }).expect(202);
    expect((await membership(subscriber.id, listId))!.status).toBe('unsubscribed');

    const token = tokenIn(await mailTo(email));
    expect((await membership(subscriber.id, listId))!.status).toBe('unsubscribed');
    await t.http().post(`/confirm/${token}`).expect(200);
    expect(await membership(subscriber.id, listId)).toMatchObject({ status: 'confirmed', unsubscribedAt: null });
  });

  it('an old confirmation link does not re-subscribe someone who unsubscribed later; a new sign-up mails a link that does', async () => {
    const listId = await createList('double', 'Weekly');
    const email = newEmail('came-back');
    await subscribe({ email, listIds: [listId] }).expect(202);
    const old = tokenIn(await mailTo(email));
    await t.http().post(`/confirm/${old}`).type('form').send('').expect(200);
    const subscriber = (await subscriberOf(email))!;
    const prefs = t.app.get(TokenService).sign('preferences', { s: subscriber.id }, 3600);
    await t.http().post(`/p/${prefs}/unsubscribe-all`).type('form').send('').expect(200);
    expect((await membership(subscriber.id, listId))!.status).toBe('unsubscribed');

    const stale = async () => {
      const get = await t.http().get(`/confirm/${old}`).expect(410);
      expect(get.text).toContain('This link is no longer valid');
      expect(get.text).toContain('To subscribe again, please sign up on our site');
      expect(get.text).not.toContain('<form');
      const post = await t.http().post(`/confirm/${old}`).type('form').send('').expect(410);
      expect(post.text).toContain('This link is no longer valid');
      expect((await membership(subscriber.id, listId))!.status).toBe('unsubscribed');
    };
    await stale();

    // Signing up again mails a new link; until it is used the old one still changes nothing.
    await subscribe({ email, listIds: [listId] }).expect(202);
    const mails = await sink.waitFor((m) => sentTo(m, email), 2);
    const fresh = tokenIn(mails[1]);
    expect(fresh).not.toBe(old);
    await stale();
    const page = await t.http().post(`/confirm/${fresh}`).type('form').send('').expect(200);
    expect(page.text).toContain('Weekly');
    expect(await membership(subscriber.id, listId)).toMatchObject({ status: 'confirmed', unsubscribedAt: null });
  });

  it('a tampered or made-up token is a 404 page on GET and POST, and nothing changes', async () => {
    const listId = await createList('double');
    const email = newEmail('tamper');
    await subscribe({ email, listIds: [listId] }).expect(202);
    const token = tokenIn(await mailTo(email));
    const i = token.length - 5;
    const tampered = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);

    for (const bad of [tampered, 'not-a-token', `${token}x`]) {
      const get = await t.http().get(`/confirm/${bad}`).expect(404);
      expect(get.headers['content-type']).toMatch(/^text\/html/);
      expect(get.text).toContain('invalid or has expired');
      expect(get.text).not.toContain('<form');
      const post = await t.http().post(`/confirm/${bad}`).type('form').send('').expect(404);
      expect(post.text).toContain('invalid or has expired');
    }
    const subscriber = (await subscriberOf(email))!;
    expect((await membership(subscriber.id, listId))!.status).toBe('unconfirmed');
    expect((await consentsOf(subscriber.id))[0].confirmedAt).toBeNull();
  });

  it('an expired token is a 404 page and confirms nothing', async () => {
    const listId = await createList('double');
    const email = newEmail('expired');
    await subscribe({ email, listIds: [listId] }).expect(202);
    const subscriber = (await subscriberOf(email))!;
    const tokens = t.app.get(TokenService);
    const expired = tokens.sign('confirm', { s: subscriber.id, l: [listId] }, -1);
    const valid = tokens.sign('confirm', { s: subscriber.id, l: [listId] }, 3600);

    await t.http().get(`/confirm/${expired}`).expect(404);
    const post = await t.http().post(`/confirm/${expired}`).expect(404);
    expect(post.text).toContain('invalid or has expired');
    expect((await membership(subscriber.id, listId))!.status).toBe('unconfirmed');
    // The same claims, unexpired, are accepted: the 404 above came from the expiry alone.
    await t.http().get(`/confirm/${valid}`).expect(200);
  });

  it('refuses bad input with 400 naming the problem, and writes nothing', async () => {
    const listId = await createList('double');
    const unknownList = '00000000-0000-4000-8000-000000000000';
    const counts = () =>
      Promise.all([
        db.getRepository(Subscriber).count(),
        db.getRepository(Subscription).count(),
        db.getRepository(Consent).count(),
      ]);
    const before = await counts();
    const email = newEmail('bad');
    const cases: [object, RegExp][] = [
      [{ email: 'not an address', listIds: [listId] }, /email/],
      [{ email: `${email}\r\nBcc: victim@example.com`, listIds: [listId] }, /email/],
      [{ email, listIds: [unknownList] }, new RegExp(unknownList)],
      [{ email, listIds: [listId, unknownList] }, new RegExp(unknownList)],
      [{ email }, /listIds/],
      [{ email, listIds: [] }, /listIds/],
      [{ email, listIds: ['not-a-uuid'] }, /listIds/],
      [{ email, name: 'Eve\r\nBcc: victim@example.com', listIds: [listId] }, /name/],
      [{ email, name: 'x'.repeat(201), listIds: [listId] }, /name/],
      [{ email, attributes: ['not', 'an', 'object'], listIds: [listId] }, /attributes/],
      [{ email, attributes: { blob: 'x'.repeat(17 * 1024) }, listIds: [listId] }, /attributes/],
      [{ email, listIds: [listId], status: 'enabled' }, /status/],
    ];
    for (const [body, message] of cases) {
      const res = await subscribe(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(JSON.stringify(res.body.message)).toMatch(message);
    }
    expect(await counts()).toEqual(before);
    expect(await subscriberOf(email)).toBeNull();
  });

  it('escapes list names in the mail and on the page', async () => {
    const listId = await createList('double', '<b>Deals</b> & "more"');
    const email = newEmail('escape');
    await subscribe({ email, listIds: [listId] }).expect(202);
    const mail = await mailTo(email);
    expect(mail.parsed.html).toContain('&lt;b&gt;Deals&lt;/b&gt; &amp; &quot;more&quot;');
    expect(mail.parsed.html).not.toContain('<b>Deals');
    const page = await t
      .http()
      .get(`/confirm/${tokenIn(mail)}`)
      .expect(200);
    expect(page.text).toContain('&lt;b&gt;Deals&lt;/b&gt; &amp; &quot;more&quot;');
    expect(page.text).not.toContain('<b>Deals');
  });

  it('a double click sends one mail, and both sign-ups of a new address make one subscriber', async () => {
    const listId = await createList('double');
    const email = newEmail('twice');
    const ip = nextIp();
    const [a, b] = await Promise.all([
      subscribe({ email, listIds: [listId] }, ip),
      subscribe({ email, listIds: [listId] }, ip),
    ]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(await db.getRepository(Subscriber).countBy({ emailKey: email })).toBe(1);
    await mailTo(email);
    // A later sign-up's mail, sent after any second one through the same FIFO queue, proves there is none.
    const other = newEmail('after');
    await subscribe({ email: other, listIds: [listId] }).expect(202);
    await mailTo(other);
    expect(sink.received.filter((m) => sentTo(m, email))).toHaveLength(1);
  });

  it('throttles one client address to 20 sign-ups a minute', async () => {
    const ip = nextIp();
    for (let i = 0; i < 20; i++) await subscribe({}, ip).expect(400);
    const limited = await subscribe({}, ip).expect(429);
    expect(limited.body.statusCode).toBe(429);
    await subscribe({}, nextIp()).expect(400);
  });
});

describe('public sign-up without SMTP_URL (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('writes the confirmation mail as an .eml file under dataDir/outbox', async () => {
    const editor = await t.tokenFor('editor');
    const list = await t
      .http()
      .post('/api/lists')
      .set('Authorization', `Bearer ${editor}`)
      .send({ name: 'Outbox List', optIn: 'double' })
      .expect(201);
    const email = `outbox-${randomBytes(4).toString('hex')}@example.com`;
    await t
      .http()
      .post('/api/public/subscribe')
      .send({ email, listIds: [list.body.id] })
      .expect(202);

    const outbox = join(t.config.dataDir, 'outbox');
    const files = await waitForFiles(outbox);
    expect(files).toHaveLength(1);
    const parsed = await PostalMime.parse(await readFile(join(outbox, files[0])));
    expect(parsed.to?.[0].address).toBe(email);
    expect(parsed.subject).toBe('Please confirm your subscription');
    expect(parsed.text).toContain(`${t.config.publicUrl}/confirm/`);
    expect(parsed.html).toContain('Outbox List');
  });
});

async function waitForFiles(dir: string, timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const files = await readdir(dir).then(
      (f) => f.filter((n) => n.endsWith('.eml')),
      () => [] as string[],
    );
    if (files.length) return files;
    if (Date.now() > deadline) throw new Error(`no .eml file in ${dir} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
