import { signedInAgent } from './support/admin-agent';
import { makeApiKey, makeList, makeSubscriber, uniqueTag } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

interface LoggedMessage {
  id: string;
  stream: string;
  kind: string;
  to: { email: string; name: string };
  template: string;
  status: string;
  attempts: number;
  campaignId: string | null;
  events: { type: string; detail: Record<string, unknown> | null }[];
}

/** Every kind of mail leaves through the one outbox: a row of the message log with its events, the same retries. */
describe('One outbox: every mail is in the message log (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let viewer: string;
  let editor: string;
  let key: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url });
    viewer = await t.tokenFor('viewer');
    editor = await t.tokenFor('editor');
    key = await makeApiKey(t, ['transactional:send']);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  /** The log's messages to `email` (searching by it), newest first. */
  async function logOf(email: string): Promise<LoggedMessage[]> {
    const res = await t.http().get('/api/messages').query({ search: email }).set(as(viewer)).expect(200);
    return res.body.items as LoggedMessage[];
  }

  /** Waits until the only message to `email` has become `status`; answers it with its events. */
  async function settled(email: string, status = 'sent', timeoutMs = 60_000): Promise<LoggedMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [found] = await logOf(email);
      if (found?.status === status)
        return (await t.http().get(`/api/messages/${found.id}`).set(as(viewer)).expect(200)).body as LoggedMessage;
      if (Date.now() > deadline)
        throw new Error(`no ${status} message to ${email} (last seen: ${JSON.stringify(found ?? null)})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const types = (m: LoggedMessage) => m.events.map((e) => e.type);

  it('logs a transactional message, a confirmation, a preferences link and a test send, each with its kind, stream, template and events', async () => {
    const buyer = `buyer-${uniqueTag()}@example.com`;
    await t
      .http()
      .post('/api/transactional/messages')
      .set(as(key))
      .send({
        template: 'preferences-link',
        to: { email: buyer },
        data: { subscriber: { email: buyer }, preferencesUrl: 'https://x.example/p', validDays: 7 },
      })
      .expect(202);

    const club = await makeList(t, { optIn: 'double' });
    const joiner = `joiner-${uniqueTag()}@example.com`;
    await t
      .http()
      .post('/api/public/subscribe')
      .send({ email: joiner, name: 'Jo Iner', listIds: [club.id] })
      .expect(202);

    const member = await makeSubscriber(t, { email: `member-${uniqueTag()}@example.com`, name: 'Mem Ber' });
    await t.http().post('/api/public/preferences-link').send({ email: member.email }).expect(202);

    const weekly = await makeList(t);
    const mjml =
      '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{subscriber.name}}</mj-text></mj-column></mj-section></mj-body></mjml>';
    const campaign = (
      await t
        .http()
        .post('/api/campaigns')
        .set(as(editor))
        .send({ name: `Proof ${uniqueTag()}`, subject: 'Proof', mjml, listIds: [weekly.id] })
        .expect(201)
    ).body;
    const tester = `editor-inbox-${uniqueTag()}@example.com`;
    const answer = await t
      .http()
      .post(`/api/campaigns/${campaign.id}/test`)
      .set(as(editor))
      .send({ emails: [tester] })
      .expect(202);
    expect(answer.body.messages).toEqual([{ id: expect.any(String), to: tester }]);

    const logged = {
      transactional: await settled(buyer),
      confirmation: await settled(joiner),
      prefs: await settled(member.email),
      test: await settled(tester),
    };
    expect(logged.transactional).toMatchObject({
      stream: 'transactional',
      kind: 'transactional',
      template: 'preferences-link',
      attempts: 1,
    });
    expect(logged.confirmation).toMatchObject({
      stream: 'transactional',
      kind: 'confirmation',
      template: 'subscription-confirm',
      to: { email: joiner, name: 'Jo Iner' },
      attempts: 1,
    });
    expect(logged.prefs).toMatchObject({
      stream: 'transactional',
      kind: 'preferences-link',
      template: 'preferences-link',
      to: { email: member.email },
      attempts: 1,
    });
    expect(logged.test).toMatchObject({
      id: answer.body.messages[0].id,
      stream: 'campaign',
      kind: 'test',
      campaignId: campaign.id,
      attempts: 1,
    });
    for (const m of Object.values(logged)) expect(types(m)).toEqual(['queued', 'sent']);

    // Each went out once, the system mail marked as sent by a machine.
    const [confirmMail] = await sink.waitFor((m) => m.to.includes(joiner), 1);
    expect(confirmMail.headers.get('auto-submitted')).toEqual(['auto-generated']);
    const [testMail] = await sink.waitFor((m) => m.to.includes(tester), 1);
    expect(testMail.parsed.subject).toBe('[Test] Proof');
    for (const to of [buyer, joiner, member.email, tester])
      expect(sink.received.filter((m) => m.to.includes(to))).toHaveLength(1);

    // A test send counts for nothing in its campaign.
    const stats = await t.http().get(`/api/campaigns/${campaign.id}`).set(as(viewer)).expect(200);
    expect(stats.body.progress).toMatchObject({ total: 0, sent: 0 });
  });

  it('finds messages by the recipient name and by kind', async () => {
    const name = `Grace Hopper ${uniqueTag()}`;
    const club = await makeList(t, { optIn: 'double' });
    const email = `grace-${uniqueTag()}@example.com`;
    await t
      .http()
      .post('/api/public/subscribe')
      .send({ email, name, listIds: [club.id] })
      .expect(202);
    await settled(email);

    const byName = await t
      .http()
      .get('/api/messages')
      .query({ search: name.toUpperCase() })
      .set(as(viewer))
      .expect(200);
    expect(byName.body.items.map((m: LoggedMessage) => m.to.email)).toEqual([email]);
    const confirmations = await t
      .http()
      .get('/api/messages')
      .query({ kind: 'confirmation', limit: 100 })
      .set(as(viewer))
      .expect(200);
    expect(confirmations.body.items.every((m: LoggedMessage) => m.kind === 'confirmation')).toBe(true);
    expect(confirmations.body.items.map((m: LoggedMessage) => m.to.email)).toContain(email);
    const bad = await t.http().get('/api/messages').query({ kind: 'fax' }).set(as(viewer)).expect(400);
    expect(JSON.stringify(bad.body.message)).toContain('kind must be one of');
  });

  it('retries a confirmation mail that SMTP refuses with a 4xx, and logs the deferral', async () => {
    const club = await makeList(t, { optIn: 'double' });
    const email = `greylisted-${uniqueTag()}@example.com`;
    let refused = 0;
    sink.reject = (rcpt) =>
      rcpt === email && refused++ === 0 ? { code: 451, message: '4.7.1 Greylisted, try again later' } : undefined;
    try {
      await t
        .http()
        .post('/api/public/subscribe')
        .send({ email, listIds: [club.id] })
        .expect(202);
      const message = await settled(email);
      expect(message).toMatchObject({ kind: 'confirmation', attempts: 2 });
      expect(types(message)).toEqual(['queued', 'deferred', 'sent']);
      expect(JSON.stringify(message.events[1].detail)).toContain('Greylisted');
      expect(sink.received.filter((m) => m.to.includes(email))).toHaveLength(1);
    } finally {
      sink.reject = undefined;
    }
  });

  it('a hard bounce of a test send ends it as bounced, like any other mail', async () => {
    const list = await makeList(t);
    const mjml =
      '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>';
    const campaign = (
      await t
        .http()
        .post('/api/campaigns')
        .set(as(editor))
        .send({ name: 'Typo', subject: 'Typo', mjml, listIds: [list.id] })
        .expect(201)
    ).body;
    const typo = `no-such-user-${uniqueTag()}@example.com`;
    sink.reject = (rcpt) => (rcpt === typo ? { code: 550, message: '5.1.1 User unknown' } : undefined);
    try {
      await t
        .http()
        .post(`/api/campaigns/${campaign.id}/test`)
        .set(as(editor))
        .send({ emails: [typo] })
        .expect(202);
      const message = await settled(typo, 'bounced');
      expect(types(message)).toEqual(['queued', 'bounced']);
    } finally {
      sink.reject = undefined;
    }
  });

  it('the admin message log shows test sends and confirmations with their template names, and finds people by name', async () => {
    const club = await makeList(t, { optIn: 'double' });
    const name = `Ada Byron ${uniqueTag()}`;
    const email = `ada-${uniqueTag()}@example.com`;
    await t
      .http()
      .post('/api/public/subscribe')
      .send({ email, name, listIds: [club.id] })
      .expect(202);
    const mjml =
      '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>';
    const campaign = (
      await t
        .http()
        .post('/api/campaigns')
        .set(as(editor))
        .send({ name: 'Log', subject: 'Log', mjml, listIds: [club.id] })
        .expect(201)
    ).body;
    const tester = `qa-${uniqueTag()}@example.com`;
    await t
      .http()
      .post(`/api/campaigns/${campaign.id}/test`)
      .set(as(editor))
      .send({ emails: [tester] })
      .expect(202);
    await settled(email);
    await settled(tester);
    const { agent } = await signedInAgent(t, 'viewer');

    const byName = await agent.get('/admin/messages').query({ search: name }).expect(200);
    expect(byName.text).toContain(email);
    expect(byName.text).toContain('Subscription confirmation (double opt-in)');
    expect(byName.text).toContain('Subscription confirmation · transactional');
    const tests = await agent.get('/admin/messages').query({ kind: 'test' }).expect(200);
    expect(tests.text).toContain(tester);
    expect(tests.text).toContain('Test send · campaign');
    expect(tests.text).not.toContain(email);
    const detail = await agent.get(`/admin/messages/${(await logOf(tester))[0].id}`).expect(200);
    expect(detail.text).toContain('Test of campaign');
  });
});
