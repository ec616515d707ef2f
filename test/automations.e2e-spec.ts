import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AutomationRunner } from '../src/automations/automation-runner.service';
import { AutomationEnrolment } from '../src/automations/enrolment.entity';
import { AutomationStepSend } from '../src/automations/step-send.entity';
import { Message } from '../src/delivery/message.entity';
import { BuiltInTemplates } from '../src/templates/built-in-templates';
import { flushTracking, linksOf, pathOf } from './support/campaign-mail';
import { makeApiKey, makeList, makeSubscriber, membershipsOf } from './support/factories';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { until } from './support/until';

const mjml = (text: string) =>
  `<mjml><mj-body><mj-section><mj-column><mj-text>${text} {{subscriber.email}} <a href="https://shop.example/again">Shop</a></mj-text></mj-column></mj-section></mj-body></mjml>`;
const HUMAN = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';

/**
 * Automations end to end: real database (SQLite, or PostgreSQL with DATABASE_URL), Redis, SMTP sink. Delays are
 * real hours; a test makes a step due by moving its enrolment's due time back in the database (as factories write
 * test data), then lets the runner's sweep find it.
 */
describe('automations (e2e)', () => {
  let sink: SmtpSink;
  let db: TestDatabase;
  let t: TestApp;
  let auth: Record<string, string>;
  let orderKey: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    db = await createTestDatabase();
    t = await start();
  });
  afterAll(async () => {
    await t?.close();
    await db.drop();
    await sink.stop();
  });

  /** The service on the shared database (a restart is another start on it; createTestApp's own database goes unused). */
  async function start(): Promise<TestApp> {
    const app = await createTestApp({ SMTP_URL: sink.url, COMPANY_ADDRESS: '1 Main St, Springfield', ...db.env });
    auth = { Authorization: `Bearer ${await app.tokenFor('editor')}` };
    orderKey = await makeApiKey(app, ['transactional:send']);
    return app;
  }

  const newEmail = (tag: string) => `${tag}-${randomBytes(4).toString('hex')}@example.com`;
  const to = (email: string) => (m: ReceivedMail) => m.to.includes(email);
  const withSubject = (email: string, subject: string) => (m: ReceivedMail) =>
    m.to.includes(email) && m.parsed.subject === subject;
  const ds = () => t.app.get(DataSource);
  const runner = () => t.app.get(AutomationRunner);

  async function createAutomation(body: object): Promise<{ id: string }> {
    const res = await t.http().post('/api/automations').set(auth).send(body);
    expect(res.status).toBe(201);
    return res.body;
  }

  async function enrolmentOf(automationId: string, email: string): Promise<AutomationEnrolment | null> {
    const [row] = await ds().query(
      'SELECT s.id FROM subscribers s WHERE s.email_key = ' + (process.env.DATABASE_URL ? '$1' : '?'),
      [email.toLowerCase()],
    );
    return row ? ds().getRepository(AutomationEnrolment).findOneBy({ automationId, subscriberId: row.id }) : null;
  }

  /** Makes the enrolment's next step due now (the test's way of letting its delay pass). */
  async function makeDue(enrolment: AutomationEnrolment): Promise<void> {
    await ds()
      .getRepository(AutomationEnrolment)
      .update({ id: enrolment.id }, { nextDueAt: new Date(Date.now() - 1000) });
  }

  const automationMessages = (subscriberId: string) =>
    ds().getRepository(Message).findBy({ kind: 'automation', subscriberId });

  function orderEvent(status: string, orderId: string, email: string) {
    return t
      .http()
      .post('/api/orders/events')
      .set('Authorization', `Bearer ${orderKey}`)
      .send({
        orderId,
        status,
        customer: { email, name: 'Customer' },
        order: {
          ...(t.app.get(BuiltInTemplates).get(`order-${status}`)!.sample as { order: object }).order,
          number: orderId,
        },
      })
      .expect(202);
  }

  it('refuses what is wrong with a 400 naming it, and round-trips what is right', async () => {
    const list = await makeList(t);
    const bad = async (body: object, says: RegExp) => {
      const res = await t.http().post('/api/automations').set(auth).send(body).expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(says);
    };
    const step = { delayHours: 0, subject: 'Hi', mjml: mjml('Hi') };
    await bad({ name: 'x', trigger: { event: 'signup' }, steps: [step] }, /trigger\.event must be one of/);
    await bad({ name: 'x', trigger: { event: 'order.placed' }, steps: [step] }, /trigger\.listIds must name/);
    await bad({ name: 'x', trigger: { event: 'order.placed', listIds: [list.id] }, steps: [] }, /at least one step/);
    await bad(
      { name: 'x', trigger: { event: 'inactive', listIds: [list.id] }, steps: [step] },
      /trigger\.days is required/,
    );
    await bad(
      { name: 'x', trigger: { event: 'order.placed', listIds: [list.id] }, steps: [{ ...step, delayHours: -1 }] },
      /delayHours must not be less than 0/,
    );
    await bad(
      { name: 'x', trigger: { event: 'order.placed', listIds: [list.id] }, steps: [{ delayHours: 1, subject: 'Hi' }] },
      /steps\.0: templateId or mjml is required/,
    );
    await bad(
      {
        name: 'x',
        trigger: { event: 'order.placed', listIds: [list.id] },
        steps: [{ ...step, mjml: '<mjml><mj-body><mj-nope/></mj-body></mjml>' }],
      },
      /mj-nope/,
    );
    const created = await createAutomation({
      name: 'Thanks',
      trigger: { event: 'order.placed', listIds: [list.id] },
      steps: [step],
      status: 'paused',
    });
    const got = await t.http().get(`/api/automations/${created.id}`).set(auth).expect(200);
    expect(got.body).toMatchObject({
      name: 'Thanks',
      trigger: { event: 'order.placed', listIds: [list.id] },
      steps: [{ delayHours: 0, subject: 'Hi', templateId: null, sunsetAfterHours: null }],
      status: 'paused',
    });
    const page = await t.http().get('/api/automations?limit=5').set(auth).expect(200);
    expect(page.body).toMatchObject({ page: 1, limit: 5 });
    expect(page.body.items.map((a: { id: string }) => a.id)).toContain(created.id);
    await t.http().patch(`/api/automations/${created.id}`).set(auth).send({ status: 'stopped' }).expect(200);
    const restart = await t
      .http()
      .patch(`/api/automations/${created.id}`)
      .set(auth)
      .send({ status: 'active' })
      .expect(400);
    expect(JSON.stringify(restart.body.message)).toMatch(/cannot be started again/);
    await t.http().delete(`/api/automations/${created.id}`).set(auth).expect(204);
    await t.http().get(`/api/automations/${created.id}`).set(auth).expect(404);
  });

  it('a welcome series across a restart: step one at confirmation, step two after its delay, each once', async () => {
    const list = await makeList(t, { optIn: 'double' });
    const welcome = await createAutomation({
      name: 'Welcome',
      trigger: { event: 'subscription.confirmed', listIds: [list.id] },
      steps: [
        { delayHours: 0, subject: 'Welcome aboard', mjml: mjml('Welcome') },
        { delayHours: 48, subject: 'Getting started', mjml: mjml('Tips') },
      ],
    });
    const email = newEmail('welcome');
    await t
      .http()
      .post('/api/public/subscribe')
      .send({ email, listIds: [list.id] })
      .expect(202);
    const [confirmMail] = await sink.waitFor(to(email));
    const token = new RegExp(`/confirm/([A-Za-z0-9_.-]+)`).exec(confirmMail.parsed.text ?? '')![1];
    await t
      .http()
      .post(`/confirm/${token}`)
      .expect((r) => expect(r.status).toBeLessThan(400));

    const [first] = await sink.waitFor(withSubject(email, 'Welcome aboard'));
    // Campaign mail in every respect: one-click unsubscribe, List-Id, the footer with the company's address.
    expect(first.headers.get('list-unsubscribe-post')).toEqual(['List-Unsubscribe=One-Click']);
    expect(first.headers.get('list-id')?.[0]).toContain(`${list.id}.lists.`);
    expect(linksOf(first).unsubscribe).toMatch(/\/u\//);
    expect(first.parsed.text).toContain('1 Main St, Springfield');
    expect(first.parsed.html).toContain('/c/'); // tracked link

    // A restart (new process, new Redis queue prefix: nothing of the old queues is seen) before step two is due.
    await t.close();
    t = await start();
    const enrolment = (await enrolmentOf(welcome.id, email))!;
    expect(enrolment).toMatchObject({ nextStep: 1, status: 'active' });
    expect(await runner().sendDue()).toBe(0); // not due for 48 hours
    await makeDue(enrolment);
    runner().wake();
    await sink.waitFor(withSubject(email, 'Getting started'));
    // A second sweep, and a confirmation link used again, send nothing more.
    await t.http().post(`/confirm/${token}`);
    expect(await runner().sendDue()).toBe(0);
    expect(await automationMessages(enrolment.subscriberId)).toHaveLength(2);
    await until(async () => (await enrolmentOf(welcome.id, email))?.status === 'done', 'the series to end');
    expect(
      sink.received
        .filter(to(email))
        .map((m) => m.parsed.subject)
        .sort(),
    ).toEqual([confirmMail.parsed.subject, 'Getting started', 'Welcome aboard'].sort());
    const stats = await t.http().get(`/api/automations/${welcome.id}/stats`).set(auth).expect(200);
    expect(stats.body.enrolled).toMatchObject({ total: 1, done: 1 });
    await until(async () => {
      const s = await t.http().get(`/api/automations/${welcome.id}/stats`).set(auth);
      return s.body.steps[1].sent === 1 && s.body.steps[0].sent === 1;
    }, 'both steps counted as sent');
  });

  it('a post-delivery follow-up goes only to customers subscribed to its list, once however often the event comes', async () => {
    const list = await makeList(t);
    const other = await makeList(t);
    const followUp = await createAutomation({
      name: 'Review request',
      trigger: { event: 'order.delivered', listIds: [list.id] },
      steps: [{ delayHours: 0, subject: 'How are the socks?', mjml: mjml('Review') }],
    });
    const subscribed = await makeSubscriber(t, { email: newEmail('buyer'), lists: { [list.id]: 'confirmed' } });
    const left = await makeSubscriber(t, { email: newEmail('left'), lists: { [list.id]: 'unsubscribed' } });
    const elsewhere = await makeSubscriber(t, { email: newEmail('elsewhere'), lists: { [other.id]: 'confirmed' } });
    const stranger = newEmail('stranger');

    await orderEvent('delivered', 'o-1', subscribed.email);
    await orderEvent('delivered', 'o-2', left.email);
    await orderEvent('delivered', 'o-3', elsewhere.email);
    await orderEvent('delivered', 'o-4', stranger);
    // The same event replayed, twice at once and once more: the order mail and the follow-up each go once.
    await Promise.all([
      orderEvent('delivered', 'o-1', subscribed.email),
      orderEvent('delivered', 'o-1', subscribed.email),
    ]);
    await orderEvent('delivered', 'o-1', subscribed.email);

    await sink.waitFor(withSubject(subscribed.email, 'How are the socks?'));
    // Every order mail arrived (each customer's transactional mail), and the runner has nothing left to send.
    for (const email of [left.email, elsewhere.email, stranger]) await sink.waitFor(to(email));
    expect(await runner().sendDue()).toBe(0);
    expect(await automationMessages(subscribed.id)).toHaveLength(1);
    expect(await automationMessages(left.id)).toHaveLength(0);
    expect(await automationMessages(elsewhere.id)).toHaveLength(0);
    expect(await ds().getRepository(AutomationEnrolment).findBy({ automationId: followUp.id })).toHaveLength(1);
    await until(
      async () =>
        (await ds().getRepository(Message).findOneBy({ kind: 'automation', subscriberId: subscribed.id }))?.status ===
        'sent',
      'the follow-up to be logged as sent',
    );
    expect(sink.received.filter(withSubject(subscribed.email, 'How are the socks?'))).toHaveLength(1);
    for (const email of [left.email, elsewhere.email, stranger])
      expect(sink.received.filter(to(email)).map((m) => m.parsed.subject)).not.toContain('How are the socks?');
  });

  it('an unsubscribe from the step mail leaves the automation’s lists and cancels its pending steps', async () => {
    const list = await makeList(t, { optIn: 'single' });
    const other = await makeList(t, { optIn: 'single' });
    const series = await createAutomation({
      name: 'Onboarding',
      trigger: { event: 'subscription.confirmed', listIds: [list.id] },
      steps: [
        { delayHours: 0, subject: 'Day one', mjml: mjml('One') },
        { delayHours: 24, subject: 'Day two', mjml: mjml('Two') },
      ],
    });
    const email = newEmail('leaver');
    // A single opt-in sign-up is a confirmed subscription at once.
    await t
      .http()
      .post('/api/public/subscribe')
      .send({ email, listIds: [list.id, other.id] })
      .expect(202);
    const [first] = await sink.waitFor(withSubject(email, 'Day one'));
    await t
      .http()
      .post(pathOf(linksOf(first).unsubscribe))
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(200);
    const enrolment = (await enrolmentOf(series.id, email))!;
    // Only the automation's lists are left; the other list stays.
    expect(await membershipsOf(t, enrolment.subscriberId)).toEqual(
      expect.arrayContaining([
        { listId: list.id, status: 'unsubscribed' },
        { listId: other.id, status: 'confirmed' },
      ]),
    );
    await makeDue(enrolment);
    expect(await runner().sendDue()).toBe(0);
    expect(await enrolmentOf(series.id, email)).toMatchObject({ status: 'left', leftReason: 'not subscribed' });
    expect(await automationMessages(enrolment.subscriberId)).toHaveLength(1);
    const stats = await t.http().get(`/api/automations/${series.id}/stats`).set(auth).expect(200);
    expect(stats.body.steps[0]).toMatchObject({ messages: 1, unsubscribes: 1 });
    expect(stats.body.steps[1]).toMatchObject({ messages: 0, waiting: 0 });
  });

  it('inactive for N days enrols who opened nothing as a person; sunset unsubscribes who leaves that unopened too', async () => {
    const list = await makeList(t);
    const longAgo = new Date(Date.now() - 60 * 24 * 3600_000);
    const sleeper = await makeSubscriber(t, {
      email: newEmail('sleeper'),
      createdAt: longAgo,
      lists: { [list.id]: 'confirmed' },
    });
    const waker = await makeSubscriber(t, {
      email: newEmail('waker'),
      createdAt: longAgo,
      lists: { [list.id]: 'confirmed' },
    });
    const newcomer = await makeSubscriber(t, { email: newEmail('newcomer'), lists: { [list.id]: 'confirmed' } });
    const reEngage = await createAutomation({
      name: 'We miss you',
      trigger: { event: 'inactive', listIds: [list.id], days: 30 },
      steps: [{ delayHours: 0, subject: 'Still interested?', mjml: mjml('Miss you'), sunsetAfterHours: 72 }],
    });
    expect(await runner().enrolInactive()).toBe(2);
    expect(await runner().enrolInactive()).toBe(0); // once per person
    runner().wake();
    const [toSleeper] = await sink.waitFor(withSubject(sleeper.email, 'Still interested?'));
    const [toWaker] = await sink.waitFor(withSubject(waker.email, 'Still interested?'));
    expect(await automationMessages(newcomer.id)).toHaveLength(0);

    // The sleeper's mail is opened only by Apple's privacy proxy (a machine); the waker opens theirs.
    await t
      .http()
      .get(pathOf(linksOf(toSleeper).pixel))
      .set('User-Agent', 'Mozilla/5.0')
      .expect(200);
    await t
      .http()
      .get(pathOf(linksOf(toWaker).pixel))
      .set('User-Agent', HUMAN)
      .expect(200);
    await flushTracking(t);
    expect(await runner().runSunsets()).toBe(0); // not due for 72 hours
    await ds()
      .getRepository(AutomationStepSend)
      .update({ automationId: reEngage.id }, { sunsetDueAt: new Date(Date.now() - 1000) });
    expect(await runner().runSunsets()).toBe(1);
    expect(await membershipsOf(t, sleeper.id)).toEqual([{ listId: list.id, status: 'unsubscribed' }]);
    expect(await membershipsOf(t, waker.id)).toEqual([{ listId: list.id, status: 'confirmed' }]);
    expect(await runner().runSunsets()).toBe(0);
    const stats = await t.http().get(`/api/automations/${reEngage.id}/stats`).set(auth).expect(200);
    expect(stats.body.steps[0]).toMatchObject({ messages: 2, unsubscribes: 1, opens: { unique: 1, machine: 1 } });
  });
});
