import { DataSource } from 'typeorm';
import { Message } from '../src/delivery/message.entity';
import { BuiltInTemplates } from '../src/templates/built-in-templates';
import { makeApiKey, uniqueTag } from './support/factories';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

describe('transactional mail (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let key: string;
  let db: DataSource;
  let shippedSample: { order: Record<string, unknown> };

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'Shop <orders@shop.example>' });
    key = await makeApiKey(t, ['transactional:send']);
    db = t.app.get(DataSource);
    shippedSample = t.app.get(BuiltInTemplates).get('order-shipped')!.sample as typeof shippedSample;
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  const post = (path: string, body: object, auth = key) =>
    t.http().post(path).set('Authorization', `Bearer ${auth}`).send(body);
  const newEmail = () => `buyer-${uniqueTag()}@example.com`;
  const mailsTo = (email: string) => sink.received.filter((m) => m.to.includes(email));
  const header = (m: ReceivedMail, name: string) => m.headers.get(name) ?? [];

  /** Polls the message log until the message reaches `status`. */
  async function settled(
    id: string,
    status = 'sent',
    auth = key,
  ): Promise<Record<string, unknown> & { events: { type: string }[] }> {
    for (let i = 0; i < 300; i++) {
      const res = await t.http().get(`/api/messages/${id}`).set('Authorization', `Bearer ${auth}`).expect(200);
      if (res.body.status === status) return res.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`message ${id} never became ${status}`);
  }

  function orderEvent(email: string, orderNumber: string, status = 'shipped') {
    return {
      orderId: orderNumber,
      status,
      customer: { email, name: 'Ada Lovelace' },
      order: { ...shippedSample.order, number: orderNumber },
    };
  }

  it('turns an order event into the order-<status> mail with its data, sent once even when posted twice', async () => {
    const email = newEmail();
    const number = `A-${uniqueTag()}`;
    const first = await post('/api/orders/events', orderEvent(email, number)).expect(202);
    const second = await post('/api/orders/events', orderEvent(email, number)).expect(202);
    expect(first.body).toEqual({ id: expect.any(String), status: 'queued' });
    expect(second.body.id).toBe(first.body.id);

    const log = await settled(first.body.id);
    expect(log).toMatchObject({
      id: first.body.id,
      stream: 'transactional',
      to: { email, name: 'Ada Lovelace' },
      template: 'order-shipped',
      status: 'sent',
      attempts: 1,
    });
    expect(log.events.map((e) => e.type)).toEqual(['queued', 'sent']);

    // A third post after it was sent still answers the same message and sends nothing.
    const third = await post('/api/orders/events', orderEvent(email, number)).expect(202);
    expect(third.body).toEqual({ id: first.body.id, status: 'sent' });
    const [mail] = await sink.waitFor((m) => m.to.includes(email));
    await new Promise((r) => setTimeout(r, 300)); // room for a wrong second send to show up
    expect(mailsTo(email)).toHaveLength(1);

    expect(mail.parsed.subject).toBe(`Your order ${number} has shipped`);
    expect(mail.parsed.html).toContain('00340434161094042557');
    expect(mail.parsed.text).toContain('DHL');
    expect(mail.parsed.text).toContain('Stoneware mug, blue');
    expect(mail.parsed.to).toEqual([{ address: email, name: 'Ada Lovelace' }]);
    expect(mail.parsed.from).toEqual({ address: 'orders@shop.example', name: 'Shop' });
    for (const name of ['message-id', 'date', 'from', 'to', 'subject']) expect(header(mail, name)).toHaveLength(1);
    expect(header(mail, 'message-id')[0]).toMatch(/^<[0-9a-f-]{36}@shop\.example>$/);
    expect(header(mail, 'list-unsubscribe')).toHaveLength(0);
    expect(header(mail, 'list-unsubscribe-post')).toHaveLength(0);
    expect(mail.parsed.html).not.toMatch(/\/o\/|\/c\//); // no tracking
    const row = await db.getRepository(Message).findOneByOrFail({ id: first.body.id });
    expect(header(mail, 'message-id')[0]).toBe(row.smtpMessageId);
  });

  it('sends one message when the same order event is posted concurrently', async () => {
    const email = newEmail();
    const number = `C-${uniqueTag()}`;
    const answers = await Promise.all(
      [1, 2, 3, 4].map(() => post('/api/orders/events', orderEvent(email, number, 'placed'))),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    await settled(answers[0].body.id);
    expect(await db.getRepository(Message).countBy({ idempotencyKey: `order:${number}:placed` })).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(mailsTo(email)).toHaveLength(1);
  });

  it('a different status of the same order is a new mail', async () => {
    const email = newEmail();
    const number = `S-${uniqueTag()}`;
    const shipped = await post('/api/orders/events', orderEvent(email, number, 'shipped')).expect(202);
    const placed = await post('/api/orders/events', orderEvent(email, number, 'placed')).expect(202);
    expect(placed.body.id).not.toBe(shipped.body.id);
    expect((await settled(placed.body.id)).template).toBe('order-placed');
  });

  it('takes the idempotency key from the Idempotency-Key header, and answers a new message once it is older than 24 h', async () => {
    const email = newEmail();
    const idem = `checkout-${uniqueTag()}`;
    const body = { template: 'order-shipped', to: { email }, data: shippedSample };
    const send = () =>
      t
        .http()
        .post('/api/transactional/messages')
        .set('Authorization', `Bearer ${key}`)
        .set('Idempotency-Key', idem)
        .send(body);
    const first = await send().expect(202);
    expect((await send().expect(202)).body.id).toBe(first.body.id);
    await settled(first.body.id);

    // 25 hours later the same key is a new message; the old one keeps a searchable key.
    await db.getRepository(Message).update({ id: first.body.id }, { createdAt: new Date(Date.now() - 25 * 3600_000) });
    const later = await send().expect(202);
    expect(later.body.id).not.toBe(first.body.id);
    await settled(later.body.id);
    expect(mailsTo(email)).toHaveLength(2);
    const old = await db.getRepository(Message).findOneByOrFail({ id: first.body.id });
    expect(old.idempotencyKey).toBe(`${idem}~${first.body.id}`);
  });

  it('answers 404 for an unknown template and 400 naming the field for a bad address, missing data or a line break', async () => {
    const email = newEmail();
    const unknown = await post('/api/transactional/messages', {
      template: 'no-such-template',
      to: { email },
      data: {},
    }).expect(404);
    expect(unknown.body).toMatchObject({ statusCode: 404, error: 'Not Found' });

    const badAddress = await post('/api/transactional/messages', {
      template: 'order-shipped',
      to: { email: 'not-an-address' },
      data: shippedSample,
    }).expect(400);
    expect(JSON.stringify(badAddress.body.message)).toContain('to.email');

    const order = { ...shippedSample.order, trackingUrl: undefined }; // left out of the JSON body
    const missing = await post('/api/transactional/messages', {
      template: 'order-shipped',
      to: { email },
      data: { order },
    }).expect(400);
    expect(missing.body.message).toEqual(['data.order.trackingUrl is required']);

    const orderMissing = await post('/api/orders/events', {
      ...orderEvent(email, `M-${uniqueTag()}`),
      order: { ...order, number: 'X' },
    }).expect(400);
    expect(orderMissing.body.message).toEqual(['order.trackingUrl is required']);

    const injected = await post('/api/transactional/messages', {
      template: 'order-shipped',
      to: { email, name: 'Ada\r\nBcc: victim@example.com' },
      data: shippedSample,
    }).expect(400);
    expect(JSON.stringify(injected.body.message)).toContain('to.name');
    const injectedKey = await t
      .http()
      .post('/api/transactional/messages')
      .set('Authorization', `Bearer ${key}`)
      .set('Idempotency-Key', 'a\tb')
      .send({ template: 'order-shipped', to: { email }, data: shippedSample })
      .expect(400);
    expect(injectedKey.body.message).toContain('Idempotency-Key');

    await post('/api/orders/events', { ...orderEvent(email, 'Z-1'), status: 'lost' }).expect(400);
    // Nothing was recorded for any refused request.
    expect(await db.getRepository(Message).countBy({ toEmail: email })).toBe(0);
  });

  it('refuses keys without the transactional:send scope and anonymous callers', async () => {
    const other = await makeApiKey(t, ['events:ingest']);
    const body = orderEvent(newEmail(), `K-${uniqueTag()}`);
    await post('/api/orders/events', body, other).expect(403);
    await t.http().post('/api/orders/events').send(body).expect(401);
  });

  it('lists the log, searchable by address and by order number, for viewers', async () => {
    const email = newEmail();
    const number = `L-${uniqueTag()}`;
    const { body } = await post('/api/orders/events', orderEvent(email, number, 'placed')).expect(202);
    await settled(body.id);
    const viewer = await t.tokenFor('viewer');
    const byOrder = await t
      .http()
      .get(`/api/messages?search=${number}&stream=transactional`)
      .set('Authorization', `Bearer ${viewer}`)
      .expect(200);
    expect(byOrder.body).toMatchObject({ total: 1, page: 1, items: [{ id: body.id, to: { email }, status: 'sent' }] });
    const byAddress = await t
      .http()
      .get(`/api/messages?search=${email.toUpperCase()}`)
      .set('Authorization', `Bearer ${viewer}`)
      .expect(200);
    expect(byAddress.body.items.map((m: { id: string }) => m.id)).toEqual([body.id]);
    const noneInCampaigns = await t
      .http()
      .get(`/api/messages?search=${number}&stream=campaign`)
      .set('Authorization', `Bearer ${viewer}`)
      .expect(200);
    expect(noneInCampaigns.body.total).toBe(0);
    await t.http().get(`/api/messages/${body.id}`).set('Authorization', `Bearer ${viewer}`).expect(200);
    await t.http().get('/api/messages').set('Authorization', `Bearer ${key}`).expect(403); // the key reaches single messages only
  });
});
