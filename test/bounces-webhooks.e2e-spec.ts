import { createHmac, generateKeyPairSync, KeyObject, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { SnsHttp } from '../src/bounces/webhooks/sns-http';
import { Suppression } from '../src/delivery/suppression.entity';
import { suppressionHash } from '../src/delivery/suppression.service';
import { BuiltInTemplates } from '../src/templates/built-in-templates';
import { makeApiKey, uniqueTag } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { SnsSigner, TEST_TOPIC_ARN } from './support/sns-signer';
import { createTestApp, TestApp } from './support/test-app';

const MAILGUN_KEY = 'mailgun-test-signing-key-0123456789';
const POSTMARK = { user: 'postmark-hooks', password: 'a long postmark webhook password' };

/** A provider's published sample (test/fixtures/webhooks, see SOURCES.md) with its addresses and ids swapped. */
function sample(name: string, swaps: Record<string, string> = {}): string {
  let text = readFileSync(join(__dirname, 'fixtures/webhooks', name), 'utf8');
  for (const [from, to] of Object.entries(swaps)) text = text.split(from).join(to);
  return text;
}

/**
 * Stands in for AWS's SNS endpoints: serves the signing certificate and records subscription confirmations.
 * The app's SnsHttp is pointed at it (AWS cannot be reached from tests): the one thing mocked here.
 */
class FakeSnsEndpoint {
  readonly hits: string[] = [];
  private server: Server;
  constructor(private readonly certPem: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.hits.push(req.url ?? '');
      if (req.url?.endsWith('.pem')) res.end(this.certPem);
      else if (req.url?.includes('Action=ConfirmSubscription')) res.end('<ConfirmSubscriptionResponse/>');
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

describe('Provider webhooks: POST /api/webhooks/{ses,sendgrid,postmark,mailgun} (e2e)', () => {
  const signer = new SnsSigner();
  const sendgrid = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  let sns: FakeSnsEndpoint;
  let sink: SmtpSink;
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    sns = new FakeSnsEndpoint(signer.certPem);
    const snsBase = await sns.start();
    sink = await new SmtpSink().start();
    t = await createTestApp({
      SMTP_URL: sink.url,
      MAIL_FROM: 'Shop <orders@shop.example>',
      SES_SNS_TOPIC_ARNS: TEST_TOPIC_ARN,
      SENDGRID_WEBHOOK_PUBLIC_KEY: sendgrid.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      MAILGUN_WEBHOOK_SIGNING_KEY: MAILGUN_KEY,
      POSTMARK_WEBHOOK_USER: POSTMARK.user,
      POSTMARK_WEBHOOK_PASSWORD: POSTMARK.password,
    });
    // The real SnsHttp (fetch, timeout, size limit), its URL's host swapped for the local endpoint's.
    const http = t.app.get(SnsHttp);
    const get = http.get.bind(http);
    http.get = (url: URL, max: number) => get(new URL(url.pathname + url.search, snsBase), max);
    key = await makeApiKey(t, ['transactional:send']);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
    await sns?.stop();
  });

  const address = () => `reader-${uniqueTag()}@recipient.example`;
  const suppression = (email: string) =>
    t.app
      .get(DataSource)
      .getRepository(Suppression)
      .findOneBy({ emailHash: suppressionHash(email) });
  const message = async (id: string) =>
    (await t.http().get(`/api/messages/${id}`).set('Authorization', `Bearer ${key}`).expect(200)).body;

  /** Sends a real message to `email` through the sink; answers our id and the Message-ID it went out with. */
  async function sentTo(email: string): Promise<{ id: string; messageId: string }> {
    const data = t.app.get(BuiltInTemplates).get('order-shipped')!.sample;
    const res = await t
      .http()
      .post('/api/transactional/messages')
      .set('Authorization', `Bearer ${key}`)
      .send({ template: 'order-shipped', to: { email }, data })
      .expect(202);
    const [mail] = await sink.waitFor((m) => m.to.includes(email), 1);
    const deadline = Date.now() + 30_000;
    while ((await message(res.body.id)).status !== 'sent') {
      if (Date.now() > deadline) throw new Error('message was not sent');
      await new Promise((r) => setTimeout(r, 50));
    }
    return { id: res.body.id, messageId: mail.headers.get('message-id')![0] };
  }

  describe('SES (SNS)', () => {
    const post = (body: unknown) =>
      t
        .http()
        .post('/api/webhooks/ses')
        .set('Content-Type', 'text/plain; charset=UTF-8')
        .set('x-amz-sns-message-type', 'Notification')
        .send(typeof body === 'string' ? body : JSON.stringify(body));

    it('reads a signed bounce (SHA1) and complaint (SHA256), tied to our message by its Message-ID, once', async () => {
      const [jane, richard] = [address(), address()];
      const sent = await sentTo(jane);
      const bounce = signer.notification(
        JSON.parse(
          sample('ses-bounce-permanent.json', { 'jane@example.com': jane, 'custom-message-ID': sent.messageId }),
        ),
      );
      const res = await post(bounce).expect(200);
      expect(res.body.results).toEqual([
        { email: jane, type: 'hard', reason: 'user-unknown', messageId: sent.id, suppressed: true },
      ]);
      expect((await message(sent.id)).status).toBe('bounced');
      expect(await suppression(jane)).toMatchObject({ reason: 'hard-bounce' });

      // SNS delivers at least once: the same message again changes nothing.
      expect((await post(bounce).expect(200)).body).toEqual({ duplicate: true, results: [] });

      const complaint = signer.notification(sample('ses-complaint.json', { 'richard@example.com': richard }), {
        SignatureVersion: '2',
      });
      expect((await post(complaint).expect(200)).body.results).toEqual([
        { email: richard, type: 'complaint', reason: 'complaint', messageId: null, suppressed: true },
      ]);
    });

    it('refuses a changed message, a foreign certificate URL and a topic not configured (403), suppressing no one', async () => {
      const jane = address();
      const good = signer.notification(sample('ses-bounce-permanent.json', { 'jane@example.com': jane }));
      const tampered = { ...good, Message: good.Message.replace('Permanent', 'Transient') };
      expect((await post(tampered).expect(403)).body.message).toMatch(/Signature/);
      const elsewhere = signer.signed({
        ...good,
        SigningCertURL: 'https://certs.example.com/SimpleNotificationService.pem',
      });
      expect((await post(elsewhere).expect(403)).body.message).toMatch(/SigningCertURL/);
      const otherTopic = signer.signed({ ...good, TopicArn: 'arn:aws:sns:us-east-1:999999999999:not-ours' });
      expect((await post(otherTopic).expect(403)).body.message).toMatch(/TopicArn/);
      const old = signer.signed({ ...good, Timestamp: new Date(Date.now() - 25 * 3600_000).toISOString() });
      expect((await post(old).expect(403)).body.message).toMatch(/replay/);
      expect(await suppression(jane)).toBeNull();
    });

    it('confirms a subscription by visiting its SubscribeURL on the SNS host, and only there', async () => {
      const token = `tok${randomBytes(8).toString('hex')}`;
      const url = `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TEST_TOPIC_ARN}&Token=${token}`;
      const res = await post(signer.subscriptionConfirmation(url)).expect(200);
      expect(res.body).toEqual({ confirmed: true, results: [] });
      expect(sns.hits.some((h) => h.includes(`Token=${token}`))).toBe(true);

      const foreign = signer.subscriptionConfirmation(
        `https://evil.example/?Action=ConfirmSubscription&Token=${token}x`,
      );
      expect((await post(foreign).expect(403)).body.message).toMatch(/SubscribeURL/);
      expect(sns.hits.some((h) => h.includes(`Token=${token}x`))).toBe(false);
    });

    it('answers 200 with no effect for a delivery notification, and 400 naming what is wrong for bad bodies', async () => {
      const delivery = signer.notification({ notificationType: 'Delivery', mail: {}, delivery: {} });
      expect((await post(delivery).expect(200)).body.results).toEqual([]);
      expect((await post('not json').expect(400)).body.message).toBe('body: the body is not valid JSON');
      expect((await post({ Type: 'Notification' }).expect(400)).body.message).toMatch(/is required/);
      const badMessage = signer.notification('{"notificationType":"Bounce"');
      expect((await post(badMessage).expect(400)).body.message).toBe('body: Message is not valid JSON');
      const noRecipients = signer.notification({ notificationType: 'Bounce', bounce: { bouncedRecipients: [] } });
      expect((await post(noRecipients).expect(400)).body.message).toMatch(/bouncedRecipients/);
    });
  });

  describe('SendGrid', () => {
    const signed = (
      body: string,
      privateKey: KeyObject = sendgrid.privateKey,
      timestamp = String(Math.floor(Date.now() / 1000)),
    ) => {
      const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), privateKey);
      return t
        .http()
        .post('/api/webhooks/sendgrid')
        .set('Content-Type', 'application/json')
        .set('X-Twilio-Email-Event-Webhook-Signature', signature.toString('base64'))
        .set('X-Twilio-Email-Event-Webhook-Timestamp', timestamp)
        .send(body);
    };

    it('reads the signed sample batch: bounce and dropped hard, spamreport a complaint, the rest nothing', async () => {
      const email = address();
      const sent = await sentTo(email);
      const body = sample('sendgrid-events.json', {
        'example@test.com': email,
        '<14c5d75ce93.dfd.64b469@ismtpd-555>': sent.messageId,
      });
      const res = await signed(body).expect(200);
      expect(res.body.results).toEqual([
        { email, type: 'hard', reason: 'user-unknown', messageId: sent.id, suppressed: true },
        { email, type: 'hard', reason: 'other', messageId: sent.id, suppressed: true },
        { email, type: 'complaint', reason: 'complaint', messageId: sent.id, suppressed: true },
      ]);
      expect((await message(sent.id)).status).toBe('bounced');
    });

    it('refuses a missing signature (401), a wrong one or a changed body (403)', async () => {
      const email = address();
      const body = sample('sendgrid-events.json', { 'example@test.com': email });
      await t.http().post('/api/webhooks/sendgrid').set('Content-Type', 'application/json').send(body).expect(401);
      const otherKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
      await signed(body, otherKey).expect(403);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = sign('sha256', Buffer.from(timestamp + body), sendgrid.privateKey).toString('base64');
      await t
        .http()
        .post('/api/webhooks/sendgrid')
        .set('Content-Type', 'application/json')
        .set('X-Twilio-Email-Event-Webhook-Signature', signature)
        .set('X-Twilio-Email-Event-Webhook-Timestamp', timestamp)
        .send(body.replace('Bounced Address', 'Bounced  Address'))
        .expect(403);
      expect(await suppression(email)).toBeNull();
    });

    it('refuses a delivery signed more than a day ago (403), and takes a signed delivery once', async () => {
      const old = address();
      const stale = String(Math.floor(Date.now() / 1000) - 25 * 60 * 60);
      const oldBody = sample('sendgrid-events.json', { 'example@test.com': old });
      expect((await signed(oldBody, sendgrid.privateKey, stale).expect(403)).body.message).toMatch(/replay/);
      expect(await suppression(old)).toBeNull();

      const email = address();
      const body = sample('sendgrid-events.json', { 'example@test.com': email });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const first = await signed(body, sendgrid.privateKey, timestamp).expect(200);
      expect(first.body.results).toHaveLength(3);
      // The same signed delivery again (a replay, or SendGrid's retry of one we took): answered, and nothing done.
      const again = await signed(body, sendgrid.privateKey, timestamp).expect(200);
      expect(again.body).toEqual({ duplicate: true, results: [] });
      // Signed anew, the same events are a new delivery.
      const resigned = await signed(body, sendgrid.privateKey, String(Number(timestamp) + 1)).expect(200);
      expect(resigned.body.results).toHaveLength(3);
    });

    it('takes a full batch (SendGrid posts up to 768 KB at a time)', async () => {
      const email = address();
      const event = (i: number) => ({
        email: `reader-${i}@recipient.example`,
        timestamp: 1513299569,
        'smtp-id': `<${i}.dfd.64b469@ismtpd-555>`,
        event: 'delivered',
        category: 'cat facts',
        sg_event_id: `event-${i}`,
        sg_message_id: `message-${i}.filter0001.16648.5515E0B88.0`,
        response: '250 OK',
      });
      const batch = Array.from({ length: 3000 }, (_, i) => event(i));
      batch.push({ ...event(3000), email, event: 'spamreport' });
      const body = JSON.stringify(batch);
      expect(body.length).toBeGreaterThan(600_000);
      expect((await signed(body).expect(200)).body.results).toEqual([
        { email, type: 'complaint', reason: 'complaint', messageId: null, suppressed: true },
      ]);
    });

    it('answers 400 naming what is wrong for signed bodies that are no event batch', async () => {
      expect((await signed('{"event":"bounce"}').expect(400)).body.message).toBe(
        'body: must be a JSON array of events',
      );
      expect((await signed('[{"event":"bounce"}]').expect(400)).body.message).toBe('body: [0].email is required');
      expect((await signed('[{"event":"open","email":"a@b.c"}]').expect(200)).body.results).toEqual([]);
    });
  });

  describe('Postmark', () => {
    const post = (body: string, user = POSTMARK.user, password = POSTMARK.password) =>
      t.http().post('/api/webhooks/postmark').auth(user, password).set('Content-Type', 'application/json').send(body);

    it('reads a bounce and a spam complaint with the right Basic credentials', async () => {
      const [a, b] = [address(), address()];
      expect((await post(sample('postmark-bounce.json', { 'john@example.com': a })).expect(200)).body.results).toEqual([
        { email: a, type: 'hard', reason: 'other', messageId: null, suppressed: true },
      ]);
      const complaint = sample('postmark-spam-complaint.json', { 'john@example.com': b });
      expect((await post(complaint).expect(200)).body.results).toEqual([
        { email: b, type: 'complaint', reason: 'complaint', messageId: null, suppressed: true },
      ]);
    });

    it('refuses missing or wrong credentials (401); an auto-reply has no effect; garbage is a 400', async () => {
      const a = address();
      const body = sample('postmark-bounce.json', { 'john@example.com': a });
      const anonymous = await t
        .http()
        .post('/api/webhooks/postmark')
        .set('Content-Type', 'application/json')
        .send(body)
        .expect(401);
      expect(anonymous.headers['www-authenticate']).toBe('Basic realm="postmark-webhook"');
      await post(body, POSTMARK.user, 'wrong password').expect(401);
      await post(body, 'someone', POSTMARK.password).expect(401);
      expect(await suppression(a)).toBeNull();
      const soft = body.replace('"HardBounce"', '"SoftBounce"');
      expect((await post(soft).expect(200)).body.results).toEqual([
        expect.objectContaining({ email: a, type: 'soft', suppressed: false, softBounces: 1 }),
      ]);
      // The same message reported soft again (Postmark's MessageID) is no second bounce.
      expect((await post(soft).expect(200)).body.results).toEqual([]);
      const autoReply = body.replace('"HardBounce"', '"AutoResponder"');
      expect((await post(autoReply).expect(200)).body.results).toEqual([]);
      expect(await suppression(a)).toBeNull();
      expect((await post('{"RecordType":"Bounce","Type":"HardBounce"}').expect(400)).body.message).toBe(
        'body: Email is required',
      );
    });
  });

  describe('Mailgun', () => {
    const signature = (timestamp = String(Math.floor(Date.now() / 1000)), token = randomBytes(25).toString('hex')) => ({
      timestamp,
      token,
      signature: createHmac('sha256', MAILGUN_KEY)
        .update(timestamp + token)
        .digest('hex'),
    });
    const post = (name: string, swaps: Record<string, string>, sig = signature()) => {
      const body = JSON.parse(sample(name, swaps)) as Record<string, unknown>;
      return t
        .http()
        .post('/api/webhooks/mailgun')
        .set('Content-Type', 'application/json')
        .send({ ...body, signature: sig });
    };

    it('reads temporary (soft, tied by message-id), permanent (hard) and complained events', async () => {
      const [a, b, c] = [address(), address(), address()];
      const sent = await sentTo(a);
      const bare = sent.messageId.replace(/^<|>$/g, '');
      const soft = await post('mailgun-failed-temporary.json', {
        'alice@example.com': a,
        '20120101000000.1234567.1234@sandbox.mailgun.org': bare,
      }).expect(200);
      expect(soft.body.results).toEqual([
        { email: a, type: 'soft', reason: 'mailbox-full', messageId: sent.id, suppressed: false, softBounces: 1 },
      ]);
      // Mailgun's next attempts at the same message (new tokens) are no new soft bounces, linked or not.
      for (const messageId of [bare, 'not-ours@mailgun.example']) {
        const swaps = { 'alice@example.com': a, '20120101000000.1234567.1234@sandbox.mailgun.org': messageId };
        await post('mailgun-failed-temporary.json', swaps).expect(200);
        expect((await post('mailgun-failed-temporary.json', swaps).expect(200)).body.results).toEqual([]);
      }
      expect(await suppression(a)).toBeNull();
      const hard = await post('mailgun-failed-permanent.json', { 'alice@example.com': b }).expect(200);
      expect(hard.body.results).toEqual([
        { email: b, type: 'hard', reason: 'other', messageId: null, suppressed: true },
      ]);
      const complained = await post('mailgun-complained.json', { 'alice@example.com': c }).expect(200);
      expect(complained.body.results).toEqual([
        { email: c, type: 'complaint', reason: 'complaint', messageId: null, suppressed: true },
      ]);
    });

    it('refuses a wrong signature, an old timestamp and a reused token (403)', async () => {
      const a = address();
      const swaps = { 'alice@example.com': a };
      const bad = { ...signature(), signature: 'ab'.repeat(32) };
      expect((await post('mailgun-failed-permanent.json', swaps, bad).expect(403)).body.message).toMatch(/signature/);
      const old = signature(String(Math.floor(Date.now() / 1000) - 10 * 60));
      expect((await post('mailgun-failed-permanent.json', swaps, old).expect(403)).body.message).toMatch(/replay/);
      // The sample's own signature: made with Mailgun's key, not ours.
      await t
        .http()
        .post('/api/webhooks/mailgun')
        .set('Content-Type', 'application/json')
        .send(sample('mailgun-failed-permanent.json', swaps))
        .expect(403);
      expect(await suppression(a)).toBeNull();

      const once = signature();
      await post('mailgun-failed-permanent.json', swaps, once).expect(200);
      expect((await post('mailgun-failed-permanent.json', swaps, once).expect(403)).body.message).toMatch(
        /used before/,
      );
    });

    it('answers 200 with no effect for a delivered event, and 400 for a signed body without event-data', async () => {
      const delivered = sample('mailgun-complained.json').replace('"event": "complained"', '"event": "delivered"');
      const res = await t
        .http()
        .post('/api/webhooks/mailgun')
        .set('Content-Type', 'application/json')
        .send({ ...(JSON.parse(delivered) as object), signature: signature() })
        .expect(200);
      expect(res.body.results).toEqual([]);
      const missing = await t.http().post('/api/webhooks/mailgun').send({ signature: signature() }).expect(400);
      expect(missing.body.message).toBe('body: event-data is required');
    });
  });

  it('never answers 5xx: garbage of every kind to every endpoint is a 4xx', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const bodies: Array<[string, string]> = [
      ['application/json', ''],
      ['application/json', 'null'],
      ['application/json', '[]'],
      ['application/json', '{}'],
      ['application/json', '"text"'],
      ['application/json', '{"signature":{"timestamp":{},"token":[],"signature":1}}'],
      ['application/json', deep],
      ['application/json', '{"a":"\\u0000"}'],
      ['application/json', 'x'.repeat(2 * 1024 * 1024)],
      ['text/plain', 'x'.repeat(2 * 1024 * 1024)],
      ['text/plain', '{"Type":"Notification","SignatureVersion":"1"}'],
      ['text/xml', '<a/>'],
      ['application/x-www-form-urlencoded', 'event=failed&signature=x'],
    ];
    for (const provider of ['ses', 'sendgrid', 'postmark', 'mailgun']) {
      for (const [type, body] of bodies) {
        const req = t.http().post(`/api/webhooks/${provider}`).set('Content-Type', type);
        const res = await (provider === 'postmark' ? req.auth(POSTMARK.user, POSTMARK.password) : req).send(body);
        if (res.status < 400 || res.status >= 500)
          throw new Error(`${provider} ${type} ${body.slice(0, 40)}: ${res.status}`);
      }
    }
  });

  it('answers 404 for every provider whose secret is not configured', async () => {
    const bare = await createTestApp();
    try {
      for (const provider of ['ses', 'sendgrid', 'postmark', 'mailgun']) {
        const res = await bare
          .http()
          .post(`/api/webhooks/${provider}`)
          .set('Content-Type', 'application/json')
          .send('[]');
        expect(res.status).toBe(404);
        expect(res.body.message).toMatch(/not enabled/);
      }
    } finally {
      await bare.close();
    }
  });
});
