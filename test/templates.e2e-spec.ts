import { TemplatesService } from '../src/templates/templates.service';
import { createTestApp, TestApp } from './support/test-app';

const mjml = (text: string) =>
  `<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-text>${text}</mj-text>\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>`;

const shippedData = {
  customer: { email: 'ada@example.com', name: 'Ada' },
  order: {
    number: 'B-77',
    currency: 'EUR',
    items: [{ name: 'Teapot', quantity: 1, unitPrice: 30, total: 30 }],
    subtotal: 30,
    shipping: 5,
    tax: 6.65,
    total: 35,
    shippingAddress: { name: 'Ada', line1: '1 Main St', postalCode: '10115', city: 'Berlin', country: 'Germany' },
    carrier: 'DHL',
    trackingNumber: 'T123',
    trackingUrl: 'https://track.test/T123',
  },
};

describe('templates (e2e)', () => {
  let t: TestApp;
  let viewer: string;
  let editor: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await createTestApp();
    [viewer, editor] = await Promise.all([t.tokenFor('viewer'), t.tokenFor('editor')]);
  });
  afterAll(() => t.close());

  const create = (body: Record<string, unknown>) => t.http().post('/api/templates').set(as(editor)).send(body);

  it('lists the built-in templates, marked builtIn, to a viewer', async () => {
    const res = await t.http().get('/api/templates?limit=100').set(as(viewer)).expect(200);
    const builtIns = res.body.items.filter((i: { builtIn: boolean }) => i.builtIn);
    expect(builtIns.map((i: { slug: string }) => i.slug)).toEqual(
      expect.arrayContaining([
        'order-placed',
        'order-shipped',
        'order-delivered',
        'order-cancelled',
        'order-refunded',
        'subscription-confirm',
        'preferences-link',
        'newsletter',
      ]),
    );
    expect(builtIns[0]).toEqual(
      expect.objectContaining({
        id: null,
        builtIn: true,
        overridden: false,
        versionId: expect.stringMatching(/^file:/),
      }),
    );
    expect(res.body).toEqual(expect.objectContaining({ page: 1, limit: 100, total: expect.any(Number) }));

    const one = await t.http().get('/api/templates/built-in/newsletter').set(as(viewer)).expect(200);
    expect(one.body.mjml).toContain('{{unsubscribeUrl}}');
    expect(one.body.sample).toEqual(expect.objectContaining({ unsubscribeUrl: expect.any(String) }));
    await t.http().get('/api/templates/built-in/nope').set(as(viewer)).expect(404);
  });

  it('lets editors create, read, change and delete templates, keeping every version', async () => {
    await t
      .http()
      .post('/api/templates')
      .set(as(viewer))
      .send({ name: 'x', kind: 'campaign', subject: 's', mjml: mjml('x') })
      .expect(403);
    const created = await create({
      name: 'Spring news',
      kind: 'campaign',
      subject: 'Hi {{subscriber.name}}',
      mjml: mjml('Hello {{subscriber.name}}'),
    }).expect(201);
    expect(created.body).toEqual(
      expect.objectContaining({
        id: expect.any(String),
        slug: 'spring-news',
        kind: 'campaign',
        version: 1,
        versionId: expect.any(String),
        builtIn: false,
        overridesBuiltIn: false,
      }),
    );
    const { id, versionId: v1 } = created.body;
    expect((await t.http().get(`/api/templates/${id}`).set(as(viewer)).expect(200)).body.mjml).toContain(
      'Hello {{subscriber.name}}',
    );

    const renamed = await t
      .http()
      .patch(`/api/templates/${id}`)
      .set(as(editor))
      .send({ name: 'Spring news 2026' })
      .expect(200);
    expect(renamed.body).toEqual(expect.objectContaining({ name: 'Spring news 2026', version: 1, versionId: v1 }));

    await t.http().patch(`/api/templates/${id}`).set(as(viewer)).send({ subject: 'no' }).expect(403);
    const changed = await t
      .http()
      .patch(`/api/templates/${id}`)
      .set(as(editor))
      .send({ mjml: mjml('Bonjour {{subscriber.name}}') })
      .expect(200);
    expect(changed.body.version).toBe(2);
    expect(changed.body.versionId).not.toBe(v1);

    // A campaign built from version 1 still sends version 1.
    const templates = t.app.get(TemplatesService);
    expect((await templates.getVersion(v1)).mjml).toContain('Hello');
    expect((await templates.getVersion(changed.body.versionId)).mjml).toContain('Bonjour');

    await t.http().delete(`/api/templates/${id}`).set(as(viewer)).expect(403);
    await t.http().delete(`/api/templates/${id}`).set(as(editor)).expect(204);
    await t.http().get(`/api/templates/${id}`).set(as(viewer)).expect(404);
    expect((await templates.getVersion(v1)).mjml).toContain('Hello');
  });

  it('answers 404 for unknown ids and 400 for malformed ones', async () => {
    const missing = '0b9c3d5e-1111-4aaa-8bbb-123456789abc';
    await t.http().get(`/api/templates/${missing}`).set(as(viewer)).expect(404);
    await t.http().patch(`/api/templates/${missing}`).set(as(editor)).send({ name: 'x' }).expect(404);
    await t.http().delete(`/api/templates/${missing}`).set(as(editor)).expect(404);
    await t.http().get('/api/templates/not-a-uuid').set(as(viewer)).expect(400);
  });

  it('refuses invalid MJML with line-numbered errors, and keeps the old version on a bad change', async () => {
    const bad = await create({
      name: 'Broken',
      kind: 'campaign',
      subject: 's',
      mjml: mjml('a</mj-text>\n<mj-text padding="wide">b'),
    }).expect(400);
    expect(bad.body.statusCode).toBe(400);
    expect(bad.body.message).toEqual([
      expect.objectContaining({
        line: 6,
        tagName: 'mj-text',
        message: expect.stringContaining('Attribute padding has invalid value: wide'),
      }),
    ]);

    const hb = await create({ name: 'Broken hb', kind: 'campaign', subject: 's', mjml: mjml('{{#if a}}x') }).expect(
      400,
    );
    expect(hb.body.message[0]).toEqual(
      expect.objectContaining({
        field: 'mjml',
        line: expect.any(Number),
        message: expect.stringContaining('Handlebars'),
      }),
    );

    const ok = await create({ name: 'Fine', kind: 'campaign', subject: 's', mjml: mjml('fine') }).expect(201);
    const res = await t
      .http()
      .patch(`/api/templates/${ok.body.id}`)
      .set(as(editor))
      .send({ mjml: '<mjml><mj-body><mj-nope /></mj-body></mjml>' })
      .expect(400);
    expect(res.body.message[0]).toEqual(expect.objectContaining({ line: 1, tagName: 'mj-nope' }));
    expect((await t.http().get(`/api/templates/${ok.body.id}`).set(as(viewer))).body).toEqual(
      expect.objectContaining({ version: 1, mjml: mjml('fine') }),
    );

    const badBody = await create({
      name: 'x',
      kind: 'letter',
      subject: '',
      mjml: mjml('x'),
      slug: 'Not A Slug',
    }).expect(400);
    expect(badBody.body.message).toEqual(
      expect.arrayContaining([
        expect.stringContaining('kind'),
        expect.stringContaining('slug'),
        expect.stringContaining('subject'),
      ]),
    );
  });

  it('keeps slugs unique (409), and a name-derived slug never takes a built-in’s place', async () => {
    await create({ name: 'Promo', slug: 'promo', kind: 'campaign', subject: 's', mjml: mjml('a') }).expect(201);
    const dup = await create({
      name: 'Promo again',
      slug: 'promo',
      kind: 'campaign',
      subject: 's',
      mjml: mjml('b'),
    }).expect(409);
    expect(dup.body.message).toContain('promo');
    const other = await create({
      name: 'Other',
      slug: 'other',
      kind: 'campaign',
      subject: 's',
      mjml: mjml('c'),
    }).expect(201);
    await t.http().patch(`/api/templates/${other.body.id}`).set(as(editor)).send({ slug: 'promo' }).expect(409);

    const named = await create({ name: 'Order shipped', kind: 'transactional', subject: 's', mjml: mjml('d') }).expect(
      201,
    );
    expect(named.body.slug).toBe('order-shipped-2');
    expect(named.body.overridesBuiltIn).toBe(false);
  });

  it('lets a stored template override a built-in by slug, with the built-in’s required data', async () => {
    const render = (data: unknown) =>
      t.http().post('/api/templates/render').set(as(viewer)).send({ template: 'order-shipped', data });
    const before = await render(shippedData).expect(200);
    expect(before.body).toEqual(
      expect.objectContaining({ builtIn: true, versionId: expect.stringMatching(/^file:order-shipped:/) }),
    );
    expect(before.body.text).toContain('Track your parcel [https://track.test/T123]');

    const override = await create({
      name: 'Our shipping mail',
      slug: 'order-shipped',
      kind: 'transactional',
      subject: 'On its way: {{order.number}}',
      mjml: mjml('RESTYLED {{order.number}} <a href="{{order.trackingUrl}}">track</a>'),
    }).expect(201);
    expect(override.body).toEqual(
      expect.objectContaining({ overridesBuiltIn: true, required: expect.arrayContaining(['order.trackingUrl']) }),
    );

    const after = await render(shippedData).expect(200);
    expect(after.body).toEqual(
      expect.objectContaining({ builtIn: false, versionId: override.body.versionId, subject: 'On its way: B-77' }),
    );
    expect(after.body.html).toContain('RESTYLED B-77');
    expect(after.body.text).toContain('RESTYLED B-77 track [https://track.test/T123]');

    const list = await t.http().get('/api/templates?limit=100').set(as(viewer)).expect(200);
    const builtIn = list.body.items.find(
      (i: { builtIn: boolean; slug: string }) => i.builtIn && i.slug === 'order-shipped',
    );
    expect(builtIn).toEqual(expect.objectContaining({ overridden: true, overriddenBy: override.body.id }));

    // undefined is left out of the JSON body: the field is missing.
    const missing = await render({ ...shippedData, order: { ...shippedData.order, trackingUrl: undefined } }).expect(
      400,
    );
    expect(missing.body.message).toEqual(['data.order.trackingUrl is required']);

    await t.http().delete(`/api/templates/${override.body.id}`).set(as(editor)).expect(204);
    expect((await render(shippedData).expect(200)).body.builtIn).toBe(true);
  });

  it('names missing required data of a built-in with a 400, and 404s an unknown template', async () => {
    const order = { ...shippedData.order, trackingUrl: undefined }; // left out of the JSON body
    const res = await t
      .http()
      .post('/api/templates/render')
      .set(as(editor))
      .send({ template: 'order-shipped', data: { ...shippedData, order } })
      .expect(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['data.order.trackingUrl is required'],
    });
    await t
      .http()
      .post('/api/templates/render')
      .set(as(editor))
      .send({ template: 'no-such-template', data: {} })
      .expect(404);
  });

  it('previews MJML with data as it would be sent, with MJML’s errors (editors: a viewer is refused)', async () => {
    await t
      .http()
      .post('/api/templates/preview')
      .set(as(viewer))
      .send({ mjml: mjml('x') })
      .expect(403);
    const res = await t
      .http()
      .post('/api/templates/preview')
      .set(as(editor))
      .send({
        mjml: mjml('Hello {{subscriber.name}}') + '\n',
        subject: 'For {{subscriber.name}}',
        data: { subscriber: { name: '<script>alert(1)</script>\r\nBcc: x@evil.test' } },
      })
      .expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['errors', 'html', 'subject', 'text']);
    expect(res.body.errors).toEqual([]);
    expect(res.body.subject).toBe('For <script>alert(1)</script> Bcc: x@evil.test');
    expect(res.body.html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.body.html).not.toContain('<script>alert');
    expect(res.body.text).toContain('Hello <script>alert(1)</script>');

    const broken = await t
      .http()
      .post('/api/templates/preview')
      .set(as(editor))
      .send({ mjml: mjml('x</mj-text>\n<mj-oops />\n<mj-text>y') })
      .expect(200);
    expect(broken.body.errors).toEqual([
      expect.objectContaining({ line: 6, tagName: 'mj-oops', message: expect.stringContaining("doesn't exist") }),
    ]);
    expect(broken.body.html).toContain('>y</div>');

    const trick = await t
      .http()
      .post('/api/templates/preview')
      .set(as(editor))
      .send({ mjml: mjml('{{constructor.constructor "return process"}}'), data: {} })
      .expect(200);
    expect(trick.body.errors[0]).toEqual(
      expect.objectContaining({ line: 5, message: expect.stringContaining('unknown helper') }),
    );
    expect(trick.body.html).not.toMatch(/\[object process\]|function Function/);
  });

  it('paginates across built-in and stored templates', async () => {
    const all = await t.http().get('/api/templates?limit=1000').set(as(viewer)).expect(200);
    const page2 = await t.http().get('/api/templates?page=2&limit=5').set(as(viewer)).expect(200);
    expect(page2.body.total).toBe(all.body.total);
    expect(page2.body.items.map((i: { slug: string }) => i.slug)).toEqual(
      all.body.items.slice(5, 10).map((i: { slug: string }) => i.slug),
    );
    const kinds = await t.http().get('/api/templates?kind=campaign&limit=1000').set(as(viewer)).expect(200);
    expect(kinds.body.items.every((i: { kind: string }) => i.kind === 'campaign')).toBe(true);
  });
});
