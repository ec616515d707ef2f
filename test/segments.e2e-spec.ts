import { DataSource } from 'typeorm';
import { Order } from '../src/orders/order.entity';
import { BuiltInTemplates } from '../src/templates/built-in-templates';
import { TokenService } from '../src/tokens/token.service';
import { signedInAgent } from './support/admin-agent';
import { sendCampaign } from './support/campaign-mail';
import { makeApiKey, makeEngagement, makeList, makeSubscriber, uniqueTag } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';
import { dataDownload } from './support/data-download';

const DAY = 24 * 60 * 60 * 1000;
const MJML = `<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{subscriber.name}}</mj-text></mj-column></mj-section></mj-body></mjml>`;

describe('Segments and order history (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let editor: string;
  let shopKey: string;
  /** each order template's sample order: what its event must at least carry */
  let samples: (status: string) => Record<string, unknown>;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'Shop <news@shop.example>' });
    editor = await t.tokenFor('editor');
    shopKey = await makeApiKey(t, ['transactional:send']);
    const builtIns = t.app.get(BuiltInTemplates);
    samples = (status) => (builtIns.get(`order-${status}`)!.sample as { order: Record<string, unknown> }).order;
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const auth = () => ({ Authorization: `Bearer ${editor}` });
  const orderEvent = (
    email: string,
    orderId: string,
    status: string,
    order: Record<string, unknown> = {},
  ): Promise<unknown> =>
    t
      .http()
      .post('/api/orders/events')
      .set({ Authorization: `Bearer ${shopKey}` })
      .send({ orderId, status, customer: { email, name: 'Ada' }, order: { ...samples(status), ...order } })
      .expect(202);
  const ordersOf = (email: string) =>
    t.app
      .get(DataSource)
      .getRepository(Order)
      .find({ where: { emailKey: email.toLowerCase() }, order: { orderId: 'ASC' } });
  /** The addresses the preview matches (the tests keep each segment under 20 people). */
  async function matching(rules: unknown[], match = 'all'): Promise<string[]> {
    const res = await t.http().post('/api/segments/preview').set(auth()).send({ match, rules }).expect(200);
    expect(res.body.people).toHaveLength(Math.min(res.body.count, 20));
    return (res.body.people as { email: string }[]).map((p) => p.email).sort();
  }

  it('keeps each customer’s orders from order events: a replayed status changes nothing, a new one updates the order', async () => {
    const email = `buyer-${uniqueTag()}@example.com`;
    const id = `A-${uniqueTag()}`;
    await orderEvent(email, id, 'placed', {
      total: '49.90',
      currency: 'eur',
      placedAt: '2026-03-04T09:30:00Z',
      items: [{ name: 'Green tea', quantity: 1, unitPrice: '9.90', total: '9.90' }],
    });
    const [first] = await ordersOf(email);
    await orderEvent(email, id, 'placed', { total: '1.00' });
    expect(await ordersOf(email)).toEqual([first]);

    await orderEvent(email, id, 'shipped', { total: '52.90' });
    const [shipped] = await ordersOf(email);
    expect(shipped).toMatchObject({
      orderId: id,
      status: 'shipped',
      total: 52.9,
      currency: 'EUR',
      items: (samples('shipped').items as { name: string }[]).map((i) => i.name),
      orderedAt: new Date('2026-03-04T09:30:00Z'),
    });
    expect(Object.keys(shipped.statuses).sort()).toEqual(['placed', 'shipped']);
  });

  it('shows the orders on the subscriber’s page, puts them in the data export and erases them with the person', async () => {
    const person = await makeSubscriber(t, { email: `reader-${uniqueTag()}@example.com` });
    const id = `B-${uniqueTag()}`;
    await orderEvent(person.email, id, 'placed', {
      items: [{ name: 'Teapot', quantity: 1, unitPrice: '30', total: '30' }],
    });

    const admin = await signedInAgent(t, 'viewer');
    const page = await admin.agent.get(`/admin/subscribers/${person.id}`).expect(200);
    expect(page.text).toContain(id);
    expect(page.text).toContain('Teapot');

    const token = t.app.get(TokenService).sign('preferences', { s: person.id }, 3600);
    const download = await dataDownload(t, token);
    const exported = JSON.parse(download.body as string) as { orders: { orderId: string; items: string[] }[] };
    expect(exported.orders).toEqual([expect.objectContaining({ orderId: id, status: 'placed', items: ['Teapot'] })]);

    await t.http().post(`/p/${token}/erase`).expect(200);
    expect(await ordersOf(person.email)).toEqual([]);
  });

  it('refuses rules that cannot be used, naming each by its index and what is wrong, and saves nothing', async () => {
    const before = (await t.http().get('/api/segments').set(auth()).expect(200)).body.total;
    const res = await t
      .http()
      .post('/api/segments')
      .set(auth())
      .send({
        name: 'Broken',
        match: 'all',
        rules: [
          { field: 'email', op: 'contains', value: 'shop' },
          { field: 'attributes.plan; DROP TABLE x', op: 'eq', value: 'pro' },
          { field: 'opened', op: 'within', value: 0 },
          { field: 'list', op: 'member', value: 'not-a-list' },
          { field: 'shoe size', op: 'eq', value: 1 },
        ],
      })
      .expect(400);
    expect(res.body.message).toEqual([
      expect.stringMatching(/^rules\[1\]: an attribute key/),
      expect.stringMatching(/^rules\[2\]: value must be a whole number of days/),
      expect.stringMatching(/^rules\[3\]: listId must be a list id/),
      expect.stringMatching(/^rules\[4\]: field must be/),
    ]);
    expect((await t.http().get('/api/segments').set(auth()).expect(200)).body.total).toBe(before);
  });

  it('matches people by profile, attributes, lists, sign-up date, human engagement and orders', async () => {
    const tag = uniqueTag();
    const list = await makeList(t);
    const now = Date.now();
    const make = (name: string, fields: Parameters<typeof makeSubscriber>[1] = {}) =>
      makeSubscriber(t, {
        email: `${name}-${tag}@example.com`,
        name,
        ...fields,
        attributes: { tag, ...fields.attributes },
      });
    const ada = await make('ada', {
      attributes: { plan: 'Pro', age: 36, vip: true, renews: '2026-01-15' },
      lists: { [list.id]: 'confirmed' },
      createdAt: new Date(now - 400 * DAY),
    });
    const bob = await make('bob', {
      attributes: { plan: 'free', age: '17', vip: false },
      lists: { [list.id]: 'unsubscribed' },
    });
    const cy = await make('cy', {
      attributes: { plan: 'pro-team', age: 'unknown' },
      lists: { [list.id]: 'unconfirmed' },
    });
    const dee = await make('dee');
    await makeEngagement(t, ada, { type: 'opened', at: new Date(now - 10 * DAY) });
    // an older open written later (a late batch) does not move her last open back
    await makeEngagement(t, ada, { type: 'opened', at: new Date(now - 300 * DAY) });
    await makeEngagement(t, bob, { type: 'opened', at: new Date(now - 5 * DAY), machine: true });
    await makeEngagement(t, cy, { type: 'opened', at: new Date(now - 200 * DAY) });
    await makeEngagement(t, cy, { type: 'clicked', at: new Date(now - 3 * DAY) });
    await makeEngagement(t, dee, { type: 'clicked', at: new Date(now - 3 * DAY), machine: true });
    const placedAt = new Date().toISOString();
    await orderEvent(ada.email, `C1-${tag}`, 'placed', {
      placedAt,
      total: 20,
      items: [{ name: 'Green Tea', quantity: 1, unitPrice: 20, total: 20 }],
    });
    await orderEvent(ada.email, `C2-${tag}`, 'placed', { placedAt, total: 35.5 });
    await orderEvent(bob.email, `C3-${tag}`, 'placed', { placedAt, total: 100 });
    await orderEvent(bob.email, `C4-${tag}`, 'placed', { placedAt, total: 100 });
    await orderEvent(bob.email, `C4-${tag}`, 'cancelled', { placedAt });
    const all = [ada, bob, cy, dee].map((p) => p.email).sort();
    const ours = { field: `attributes.tag`, op: 'eq', value: tag };
    const only = async (rule: unknown, match = 'all') => matching([ours, rule], match);
    const emails = (...people: { email: string }[]) => people.map((p) => p.email).sort();

    expect(await only({ field: 'email', op: 'startsWith', value: 'AD' })).toEqual(emails(ada));
    expect(await only({ field: 'name', op: 'neq', value: 'ada' })).toEqual(emails(bob, cy, dee));
    expect(await only({ field: 'attributes.plan', op: 'eq', value: 'pro' })).toEqual(emails(ada));
    expect(await only({ field: 'attributes.plan', op: 'contains', value: 'PRO' })).toEqual(emails(ada, cy));
    expect(await only({ field: 'attributes.plan', op: 'exists', value: false })).toEqual(emails(dee));
    expect(await only({ field: 'attributes.age', op: 'gte', value: 18 })).toEqual(emails(ada));
    expect(await only({ field: 'attributes.age', op: 'lt', value: 18 })).toEqual(emails(bob));
    expect(await only({ field: 'attributes.vip', op: 'is', value: false })).toEqual(emails(bob));
    expect(await only({ field: 'attributes.renews', op: 'before', value: '2026-02-01' })).toEqual(emails(ada));
    expect(await only({ field: 'list', op: 'member', value: list.id })).toEqual(emails(ada, cy));
    expect(await only({ field: 'list', op: 'member', value: { listId: list.id, status: 'unsubscribed' } })).toEqual(
      emails(bob),
    );
    expect(await only({ field: 'list', op: 'notMember', value: { listId: list.id, status: 'confirmed' } })).toEqual(
      emails(bob, cy, dee),
    );
    expect(await only({ field: 'createdAt', op: 'within', value: 30 })).toEqual(emails(bob, cy, dee));
    expect(await only({ field: 'opened', op: 'within', value: 90 })).toEqual(emails(ada));
    expect(await only({ field: 'opened', op: 'never' })).toEqual(emails(bob, dee));
    expect(await only({ field: 'clicked', op: 'within', value: { days: 7 } })).toEqual(emails(cy));
    expect(await only({ field: 'ordered', op: 'gte', value: 2 })).toEqual(emails(ada));
    expect(await only({ field: 'ordered', op: 'lt', value: 1 })).toEqual(emails(cy, dee));
    expect(await only({ field: 'ordered.total', op: 'gt', value: 50 })).toEqual(emails(ada, bob));
    expect(await only({ field: 'ordered.product', op: 'eq', value: 'green tea' })).toEqual(emails(ada));
    expect(await only({ field: 'ordered.last', op: 'within', value: 1 })).toEqual(emails(ada, bob));
    expect(await only({ field: 'ordered.last', op: 'never' })).toEqual(emails(cy, dee));
    expect(
      await matching(
        [
          { field: 'attributes.tag', op: 'eq', value: 'no such tag' },
          { field: 'email', op: 'contains', value: `-${tag}@` },
        ],
        'any',
      ),
    ).toEqual(all);
  });

  it('sends a campaign narrowed to a segment to exactly as many people as the segment and the review step count', async () => {
    const tag = uniqueTag();
    const list = await makeList(t);
    const people = [];
    for (let i = 0; i < 6; i++) {
      people.push(
        await makeSubscriber(t, {
          email: `fan${i}-${tag}@example.com`,
          attributes: { tag, plan: i % 2 ? 'pro' : 'free' },
          lists: { [list.id]: 'confirmed' },
        }),
      );
    }
    for (const p of people.slice(0, 4)) await makeEngagement(t, p, { type: 'opened', at: new Date(Date.now() - DAY) });
    // a pro who opened but is not on the list: in the segment, not in the campaign's audience
    const outsider = await makeSubscriber(t, {
      email: `outsider-${tag}@example.com`,
      attributes: { tag, plan: 'pro' },
    });
    await makeEngagement(t, outsider, { type: 'opened', at: new Date(Date.now() - DAY) });

    const segment = await t
      .http()
      .post('/api/segments')
      .set(auth())
      .send({
        name: `Engaged pros ${tag}`,
        match: 'all',
        rules: [
          { field: 'attributes.tag', op: 'eq', value: tag },
          { field: 'attributes.plan', op: 'eq', value: 'pro' },
          { field: 'opened', op: 'within', value: 90 },
          { field: 'list', op: 'member', value: { listId: list.id, status: 'confirmed' } },
        ],
      })
      .expect(201);
    const { count } = (await t.http().get(`/api/segments/${segment.body.id}/count`).set(auth()).expect(200)).body;
    expect(count).toBe(2); // fan1 and fan3

    const created = await t
      .http()
      .post('/api/campaigns')
      .set(auth())
      .send({ name: 'Review', subject: 'Hi', mjml: MJML, listIds: [list.id], segmentId: segment.body.id })
      .expect(201);
    expect(created.body.segmentId).toBe(segment.body.id);
    const admin = await signedInAgent(t, 'editor');
    const review = await admin.agent.get(`/admin/campaigns/${created.body.id}/review`).expect(200);
    expect(/data-recipient-total>([\d,]+)</.exec(review.text)?.[1]).toBe(String(count));

    const sent = await sendCampaign(
      t,
      sink,
      editor,
      { mjml: MJML, listIds: [list.id], segmentId: segment.body.id },
      count,
    );
    expect([...sent.mails.keys()].sort()).toEqual([people[1].email, people[3].email]);
    expect(sent.messages.size).toBe(count);

    // A segment a campaign uses cannot be deleted; an unknown one cannot be chosen.
    await t.http().delete(`/api/segments/${segment.body.id}`).set(auth()).expect(409);
    await t
      .http()
      .post('/api/campaigns')
      .set(auth())
      .send({
        name: 'X',
        subject: 'X',
        mjml: MJML,
        listIds: [list.id],
        segmentId: '00000000-0000-4000-8000-000000000000',
      })
      .expect(400);
  });
});
