import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Message } from '../src/delivery/message.entity';
import { Suppression } from '../src/delivery/suppression.entity';
import { suppressionHash } from '../src/delivery/suppression.service';
import { fixture } from './fixtures';
import { makeApiKey, makeList, makeSubscriber, uniqueTag } from './support/factories';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

const MJML =
  '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{subscriber.name}}</mj-text></mj-column></mj-section></mj-body></mjml>';

describe('Bounces and complaints: POST /api/events/bounces (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let key: string;
  let editor: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'News <news@mail.example.org>' });
    key = await makeApiKey(t, ['events:ingest']);
    editor = await t.tokenFor('editor');
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const post = () => t.http().post('/api/events/bounces').set('Authorization', `Bearer ${key}`);
  const raw = (body: string) => post().set('Content-Type', 'message/rfc822').send(body);
  const db = () => t.app.get(DataSource);
  const suppression = (email: string) =>
    db()
      .getRepository(Suppression)
      .findOneBy({ emailHash: suppressionHash(email) });
  const address = () => `reader-${uniqueTag()}@recipient.example`;

  /** Sends a campaign to the list and waits until it is done; answers the mail each address received. */
  async function sendCampaign(listId: string, expected: number): Promise<{ id: string; mails: ReceivedMail[] }> {
    const auth = `Bearer ${editor}`;
    const id = (
      await t
        .http()
        .post('/api/campaigns')
        .set('Authorization', auth)
        .send({ name: `C ${uniqueTag()}`, subject: 'Offers', mjml: MJML, listIds: [listId] })
        .expect(201)
    ).body.id;
    await t.http().post(`/api/campaigns/${id}/send`).set('Authorization', auth).expect(202);
    const deadline = Date.now() + 60_000;
    while ((await t.http().get(`/api/campaigns/${id}`).set('Authorization', auth)).body.status !== 'sent') {
      if (Date.now() > deadline) throw new Error('campaign did not finish');
      await new Promise((r) => setTimeout(r, 100));
    }
    const mails = expected
      ? await sink.waitFor((m) => (m.headers.get('feedback-id') ?? []).some((v) => v.startsWith(id)), expected)
      : [];
    return { id, mails };
  }

  async function messageOf(id: string) {
    return (await t.http().get(`/api/messages/${id}`).set('Authorization', `Bearer ${editor}`).expect(200)).body;
  }

  it('needs the events:ingest scope', async () => {
    const other = await makeApiKey(t, ['transactional:send']);
    await t
      .http()
      .post('/api/events/bounces')
      .set('Authorization', `Bearer ${other}`)
      .send({ email: address(), type: 'hard' })
      .expect(403);
    await t.http().post('/api/events/bounces').send({ email: address(), type: 'hard' }).expect(401);
  });

  it('refuses bad JSON input with a 400 naming the field', async () => {
    const res = await post().send({ email: 'not-an-address', type: 'bouncy' }).expect(400);
    expect(res.body.message).toEqual(
      expect.arrayContaining([
        'email must be a valid email address',
        'type must be "hard", "soft", "blocked" or "complaint"',
      ]),
    );
  });

  it('suppresses at once on a JSON hard bounce and a JSON complaint, the address kept only as a hash', async () => {
    const hard = address();
    const complainer = address();
    const res = await post()
      .send({ email: hard, type: 'hard', detail: `550 5.1.1 <${hard}> unknown` })
      .expect(200);
    expect(res.body.results).toEqual([
      { email: hard, type: 'hard', reason: 'user-unknown', messageId: null, suppressed: true },
    ]);
    await post().send({ email: complainer, type: 'complaint' }).expect(200);
    const row = await suppression(hard);
    expect(row).toMatchObject({ reason: 'hard-bounce' });
    expect(row!.detail).not.toContain(hard);
    expect(await suppression(complainer)).toMatchObject({ reason: 'complaint' });
  });

  it('links a DSN and an ARF to the campaign messages they return, and the next campaign skips both addresses', async () => {
    const list = await makeList(t);
    const [bouncer, complainer, reader] = await Promise.all(
      [address(), address(), address()].map((email) =>
        makeSubscriber(t, { email, name: 'R', lists: { [list.id]: 'confirmed' } }),
      ),
    );
    const first = await sendCampaign(list.id, 3);
    const mailTo = (email: string) => first.mails.find((m) => m.to.includes(email))!;
    const bounceMsgId = mailTo(bouncer.email).headers.get('message-id')![0];
    const complaintMsgId = mailTo(complainer.email).headers.get('message-id')![0];

    const dsn = await raw(fixture('dsn-hard-bounce.eml', { RCPT: bouncer.email, MESSAGE_ID: bounceMsgId })).expect(200);
    expect(dsn.body).toMatchObject({
      kind: 'dsn',
      results: [{ email: bouncer.email, type: 'hard', suppressed: true }],
    });
    const bouncedMessage = await messageOf(dsn.body.results[0].messageId);
    expect(bouncedMessage.to.email).toBe(bouncer.email);
    expect(bouncedMessage.status).toBe('bounced');
    expect(bouncedMessage.events.map((e: { type: string }) => e.type)).toContain('bounced');

    const arf = await raw(fixture('arf-abuse.eml', { RCPT: complainer.email, MESSAGE_ID: complaintMsgId })).expect(200);
    expect(arf.body).toMatchObject({
      kind: 'arf',
      results: [{ email: complainer.email, type: 'complaint', suppressed: true }],
    });
    const complained = await messageOf(arf.body.results[0].messageId);
    expect(complained.events.map((e: { type: string }) => e.type)).toContain('complained');
    expect(complained.status).toBe('sent');
    expect(await suppression(complainer.email)).toMatchObject({ reason: 'complaint' });

    const second = await sendCampaign(list.id, 1);
    expect(second.mails.flatMap((m) => m.to)).toEqual([reader.email]);
  });

  it("never marks another recipient's message: a report naming someone else's Message-ID is not linked", async () => {
    const list = await makeList(t);
    const owner = await makeSubscriber(t, { email: address(), lists: { [list.id]: 'confirmed' } });
    const { mails } = await sendCampaign(list.id, 1);
    const stranger = address();
    const res = await raw(
      fixture('dsn-hard-bounce.eml', { RCPT: stranger, MESSAGE_ID: mails[0].headers.get('message-id')![0] }),
    ).expect(200);
    expect(res.body.results).toEqual([expect.objectContaining({ email: stranger, messageId: null, suppressed: true })]);
    const row = await db().getRepository(Message).findOneByOrFail({ toEmail: owner.email });
    expect(row.status).toBe('sent');
  });

  it("reads an ARF without Original-Rcpt-To by the returned message's To, and a DSN with a delivered recipient", async () => {
    const a = address();
    const b = address();
    const arf = await raw(fixture('arf-redacted-rcpt.eml', { RCPT: a, MESSAGE_ID: '<unknown@example.org>' })).expect(
      200,
    );
    expect(arf.body.results).toEqual([
      { email: a, type: 'complaint', reason: 'complaint', messageId: null, suppressed: true },
    ]);
    const dsn = await raw(
      fixture('dsn-two-recipients.eml', { RCPT: a, OTHER: b, MESSAGE_ID: '<unknown@example.org>' }),
    ).expect(200);
    expect(dsn.body.ignored).toBe(1);
    expect(dsn.body.results.map((r: { email: string }) => r.email)).toEqual([a]);
    expect(await suppression(b)).toBeNull();
  });

  it('suppresses after three soft bounces in a row (a delayed DSN is soft)', async () => {
    const email = address();
    const delayed = fixture('dsn-delayed.eml', { RCPT: email, MESSAGE_ID: '<unknown@example.org>' });
    expect((await raw(delayed).expect(200)).body.results[0]).toMatchObject({
      type: 'soft',
      softBounces: 1,
      suppressed: false,
    });
    expect((await post().send({ email, type: 'soft' }).expect(200)).body.results[0]).toMatchObject({
      softBounces: 2,
      suppressed: false,
    });
    expect(await suppression(email)).toBeNull();
    expect((await raw(delayed).expect(200)).body.results[0]).toMatchObject({ softBounces: 3, suppressed: true });
    expect(await suppression(email)).toMatchObject({ reason: 'hard-bounce' });
  });

  it('counts repeated delay warnings about one message as one soft bounce', async () => {
    const list = await makeList(t);
    const person = await makeSubscriber(t, { email: address(), lists: { [list.id]: 'confirmed' } });
    const { mails } = await sendCampaign(list.id, 1);
    const warning = fixture('dsn-delayed.eml', {
      RCPT: person.email,
      MESSAGE_ID: mails[0].headers.get('message-id')![0],
    });
    for (let i = 0; i < 3; i++)
      expect((await raw(warning).expect(200)).body.results[0]).toMatchObject({ softBounces: 1, suppressed: false });
    expect(await suppression(person.email)).toBeNull();
    const row = await db().getRepository(Message).findOneByOrFail({ toEmail: person.email });
    expect(row.status).toBe('sent');
  });

  it('starts the soft-bounce run again after a message to the address was delivered since the last one', async () => {
    const email = address();
    await post().send({ email, type: 'soft' }).expect(200);
    await post().send({ email, type: 'soft' }).expect(200);
    // Two messages sent since: the newest is taken as the one bouncing next, the other was delivered.
    const repo = db().getRepository(Message);
    for (let i = 0; i < 2; i++) {
      await repo.save(
        repo.create({
          stream: 'transactional',
          toEmail: email,
          template: 'order-placed',
          status: 'sent',
          sentAt: new Date(Date.now() + 1000 + i),
        }),
      );
    }
    expect((await post().send({ email, type: 'soft' }).expect(200)).body.results[0]).toMatchObject({
      softBounces: 1,
      suppressed: false,
    });
    expect(await suppression(email)).toBeNull();
  });

  it('records a blocked bounce (spam, policy) on its message without suppressing or counting it as soft', async () => {
    const list = await makeList(t);
    const person = await makeSubscriber(t, { email: address(), lists: { [list.id]: 'confirmed' } });
    const { mails } = await sendCampaign(list.id, 1);
    const messageId = mails[0].headers.get('message-id')![0];
    const spam = fixture('dsn-two-recipients.eml', { RCPT: person.email, OTHER: address(), MESSAGE_ID: messageId });
    for (let i = 0; i < 3; i++) {
      const res = await raw(spam).expect(200);
      expect(res.body.results).toEqual([
        expect.objectContaining({ email: person.email, type: 'blocked', reason: 'spam-blocked', suppressed: false }),
      ]);
      expect(res.body.results[0].softBounces).toBeUndefined();
    }
    expect(await suppression(person.email)).toBeNull();
    const message = await messageOf((await raw(spam).expect(200)).body.results[0].messageId);
    expect(message.status).toBe('sent');
    expect(message.events.map((e: { type: string }) => e.type)).toContain('blocked');

    const json = await post()
      .send({ email: person.email, type: 'blocked', detail: '550 5.7.1 DMARC policy' })
      .expect(200);
    expect(json.body.results).toEqual([
      { email: person.email, type: 'blocked', reason: 'auth-failed', messageId: null, suppressed: false },
    ]);
    expect(await suppression(person.email)).toBeNull();
  });

  it('answers 200 with no results for a raw message that is no bounce, 415 for other bodies and 413 above 10 MB', async () => {
    const notBounce = await raw(fixture('not-a-report.eml', {})).expect(200);
    expect(notBounce.body.results).toEqual([]);
    await post().set('Content-Type', 'text/plain').send('hello').expect(415);
    const huge = 'x'.repeat(10 * 1024 * 1024 + 1);
    const res = await raw(huge).expect(413);
    expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  });

  it("answers 400 naming the limit, at once, for a report too costly to read: 100,000 MIME parts before the status, nesting past the parser's limit, 30,000 recipients", async () => {
    const status =
      'Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\nFinal-Recipient: rfc822; zz@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n';
    const report = (inner: string) =>
      `Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n${inner}\r\n--B--\r\n`;
    const manyParts = report(`${'--B\r\n\r\nx\r\n'.repeat(100_000)}--B\r\n${status}`);
    expect((await raw(manyParts).expect(400)).body.message).toMatch(/^body: the report part is not within the first/);

    let nested = 'x\r\n';
    for (let i = 299; i >= 0; i--)
      nested = `Content-Type: multipart/mixed; boundary="n${i}"\r\n\r\n--n${i}\r\n${nested}--n${i}--\r\n`;
    // The parser's own nesting limit speaks, as a 400 rather than a 500.
    expect((await raw(nested).expect(400)).body.message).toMatch(
      /^body: the message cannot be read: Maximum MIME nesting depth/,
    );

    const blocks = Array.from(
      { length: 30_000 },
      (_, i) => `Final-Recipient: rfc822; u${i}@example.com\r\nAction: failed\r\nStatus: 5.1.1`,
    );
    const manyRecipients = report(
      `--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\n${blocks.join('\r\n\r\n')}`,
    );
    expect((await raw(manyRecipients).expect(400)).body.message).toBe(
      'body: the report names more than 100 recipients',
    );
    expect(await suppression('u0@example.com')).toBeNull();
  });

  it('answers 200 to every real message of the unseen set, and suppresses nobody for its auto-replies and notices', async () => {
    const dir = join(__dirname, 'fixtures/bounces-unseen-3');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Array<{
      file: string;
      expected: string;
    }>;
    for (const { file, expected } of manifest) {
      const res = await post()
        .set('Content-Type', 'message/rfc822')
        .send(readFileSync(join(dir, file)))
        .expect(200);
      const results = res.body.results as Array<{ email: string; type: string; suppressed: boolean }>;
      if (expected !== 'none') continue;
      expect({ file, results }).toEqual({ file, results: [] });
    }
  });
});
