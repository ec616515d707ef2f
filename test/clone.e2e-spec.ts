import { sendCampaign } from './support/campaign-mail';
import { makeList, makeSubscriber } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

const MJML =
  '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{subscriber.name}} <a href="https://shop.example/">shop</a></mj-text></mj-column></mj-section></mj-body></mjml>';

/** POST /api/campaigns/:id/clone and /api/templates/:id/clone: a new draft with the same content, nothing of the sending. */
describe('clone (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let editor: string;
  let viewer: string;
  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url, COMPANY_ADDRESS: 'Clone Ltd, 3 Copy Lane, York' });
    editor = await t.tokenFor('editor');
    viewer = await t.tokenFor('viewer');
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const as = (token: string) => ({
    get: (path: string) => t.http().get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object = {}) => t.http().post(path).set('Authorization', `Bearer ${token}`).send(body),
  });
  const api = () => as(editor);

  it('a sent campaign’s clone is a draft “Copy of …” with its content, lists and settings, and no schedule, sends or stats; it can be sent', async () => {
    const list = await makeList(t);
    const reader = await makeSubscriber(t, { name: 'Ada', lists: { [list.id]: 'confirmed' } });
    const sent = await sendCampaign(
      t,
      sink,
      editor,
      {
        name: 'May issue',
        subject: 'May for {{subscriber.name}}',
        contentFormat: 'markdown',
        content: '# May\n\n[Shop](https://shop.example/may)',
        listIds: [list.id],
        trackOpens: false,
      },
      1,
    );
    const original = (await api().get(`/api/campaigns/${sent.id}`).expect(200)).body;
    expect(original.status).toBe('sent');

    const res = await api().post(`/api/campaigns/${sent.id}/clone`).expect(201);
    const copy = res.body;
    expect(copy.id).not.toBe(original.id);
    expect(copy).toMatchObject({
      name: 'Copy of May issue',
      status: 'draft',
      subject: original.subject,
      fromName: original.fromName,
      fromEmail: original.fromEmail,
      templateId: original.templateId,
      templateVersionId: original.templateVersionId,
      contentFormat: 'markdown',
      content: original.content,
      layoutTemplateId: 'newsletter',
      listIds: [list.id],
      trackOpens: false,
      trackClicks: true,
      sendAt: null,
      startedAt: null,
      finishedAt: null,
      progress: { total: 0, sent: 0, failed: 0, pending: 0 },
    });
    const stats = (await api().get(`/api/campaigns/${copy.id}/stats`).expect(200)).body;
    expect(stats).toMatchObject({
      recipients: 0,
      sent: 0,
      opens: { unique: 0, total: 0 },
      clicks: { unique: 0, total: 0 },
    });
    // the original is untouched
    expect((await api().get(`/api/campaigns/${sent.id}`).expect(200)).body).toMatchObject({
      status: 'sent',
      name: 'May issue',
    });

    await api().post(`/api/campaigns/${copy.id}/send`).expect(202);
    const [mail] = await sink.waitFor(
      (m) => (m.headers.get('feedback-id') ?? []).some((v) => v.startsWith(copy.id)),
      1,
    );
    expect(mail.to).toEqual([reader.email]);
    expect(mail.parsed.subject).toBe('May for Ada');
    expect(mail.parsed.html).toContain('<h1>May</h1>');
  });

  it('a scheduled campaign made from a template clones unscheduled, still following the template', async () => {
    const list = await makeList(t);
    const template = await api()
      .post('/api/templates', { name: 'Weekly', kind: 'campaign', subject: 'Weekly', mjml: MJML })
      .expect(201);
    const created = await api()
      .post('/api/campaigns', { name: 'Week 1', subject: 'Week 1', templateId: template.body.id, listIds: [list.id] })
      .expect(201);
    const later = new Date(Date.now() + 86_400_000).toISOString();
    await api().post(`/api/campaigns/${created.body.id}/send`, { sendAt: later }).expect(202);
    const copy = (await api().post(`/api/campaigns/${created.body.id}/clone`).expect(201)).body;
    expect(copy).toMatchObject({
      name: 'Copy of Week 1',
      status: 'draft',
      sendAt: null,
      templateId: template.body.id,
      contentFormat: 'mjml',
      content: null,
    });
    expect((await api().get(`/api/campaigns/${created.body.id}`).expect(200)).body.status).toBe('scheduled');
  });

  it('a long name stays within 200 characters', async () => {
    const list = await makeList(t);
    const name = 'N'.repeat(200);
    const created = await api()
      .post('/api/campaigns', { name, subject: 's', mjml: MJML, listIds: [list.id] })
      .expect(201);
    const copy = (await api().post(`/api/campaigns/${created.body.id}/clone`).expect(201)).body;
    expect(copy.name).toHaveLength(200);
    expect(copy.name.startsWith('Copy of NNN')).toBe(true);
  });

  it('a template’s clone is a new template “Copy of …” at version 1 with the same content and a slug of its own', async () => {
    const original = (
      await api()
        .post('/api/templates', {
          name: 'Receipt',
          slug: 'order-placed',
          kind: 'transactional',
          subject: 'Order {{order.number}}',
          mjml: MJML,
          text: 'Hello {{subscriber.name}}',
          required: ['order.number'],
        })
        .expect(201)
    ).body;
    await t
      .http()
      .patch(`/api/templates/${original.id}`)
      .set('Authorization', `Bearer ${editor}`)
      .send({ subject: 'Order {{order.number}} placed' })
      .expect(200);

    const copy = (await api().post(`/api/templates/${original.id}/clone`).expect(201)).body;
    expect(copy).toMatchObject({
      name: 'Copy of Receipt',
      slug: 'copy-of-receipt',
      kind: 'transactional',
      subject: 'Order {{order.number}} placed',
      mjml: MJML,
      text: 'Hello {{subscriber.name}}',
      required: ['order.number'],
      version: 1,
      overridesBuiltIn: false,
    });
    expect(copy.id).not.toBe(original.id);
    // a second clone gets the next free slug
    expect((await api().post(`/api/templates/${original.id}/clone`).expect(201)).body.slug).toBe('copy-of-receipt-2');
    // the override of the built-in stays the original
    const rendered = await api()
      .post('/api/templates/render', { template: 'order-placed', data: { order: { number: '7' } } })
      .expect(200);
    expect(rendered.body.subject).toBe('Order 7 placed');
  });

  it('unknown ids are 404, malformed ones 400, and a viewer may not clone', async () => {
    const list = await makeList(t);
    const created = await api()
      .post('/api/campaigns', { name: 'Mine', subject: 's', mjml: MJML, listIds: [list.id] })
      .expect(201);
    await api().post('/api/campaigns/8d6c2f0e-9f8a-4a57-b6c1-2f3e4d5a6b7c/clone').expect(404);
    await api().post('/api/templates/8d6c2f0e-9f8a-4a57-b6c1-2f3e4d5a6b7c/clone').expect(404);
    await api().post('/api/campaigns/not-an-id/clone').expect(400);
    await as(viewer).post(`/api/campaigns/${created.body.id}/clone`).expect(403);
    const before = (await api().get('/api/campaigns?limit=100').expect(200)).body.total;
    await as(viewer).post(`/api/campaigns/${created.body.id}/clone`).expect(403);
    expect((await api().get('/api/campaigns?limit=100').expect(200)).body.total).toBe(before);
  });

  it('the OpenAPI document has the clone routes and the Markdown / rich-text fields of both campaign bodies', async () => {
    const doc = (await t.http().get('/api/docs-json').expect(200)).body;
    expect(doc.paths['/api/campaigns/{id}/clone'].post).toBeDefined();
    expect(doc.paths['/api/templates/{id}/clone'].post).toBeDefined();
    for (const dto of ['CreateCampaignDto', 'UpdateCampaignDto']) {
      const props = doc.components.schemas[dto].properties;
      expect(props.contentFormat).toMatchObject({ enum: ['mjml', 'markdown', 'richtext'] });
      expect(props.content).toBeDefined();
      expect(props.layoutTemplateId).toMatchObject({ default: 'newsletter' });
    }
  });
});
