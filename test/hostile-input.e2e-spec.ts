import request from 'supertest';
import { UsersService } from '../src/users/users.service';
import { Role } from '../src/users/roles';
import { makeApiKey, uniqueTag } from './support/factories';
import { createTestApp, TestApp } from './support/test-app';

const manyKeys = (n: number) => JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 1])));
const nestedObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const mjml = (inner: string) =>
  `<mjml><mj-body><mj-section><mj-column><mj-text>${inner}</mj-text></mj-column></mj-section></mj-body></mjml>`;

/** What an anonymous client, or a signed-in one, can send that used to freeze the service or answer 500. */
describe('hostile input (e2e)', () => {
  let t: TestApp;
  let editor: string;
  let viewer: string;
  beforeAll(async () => {
    t = await createTestApp();
    [editor, viewer] = await Promise.all([t.tokenFor('editor'), t.tokenFor('viewer')]);
  });
  afterAll(() => t.close());

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  /** A signed-in admin UI session (supertest agent) and its CSRF token. */
  async function adminSession(role: Role) {
    const email = `${role}-${uniqueTag()}@example.com`;
    await t.app.get(UsersService).create(email, 'correct horse battery', role);
    const agent = request.agent(t.baseUrl);
    const login = await agent.get('/admin/login').expect(200);
    const loginCsrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1];
    await agent
      .post('/admin/login')
      .type('form')
      .send({ email, password: 'correct horse battery', _csrf: loginCsrf })
      .expect(303);
    const page = await agent.get('/admin').expect(200);
    return { agent, csrf: /name="csrf-token" content="([^"]+)"/.exec(page.text)![1] };
  }

  describe('bodies with many keys or deep nesting', () => {
    it('answers 90,000 keys (under 1 MB) with 400 naming the limit on login, sign-up and preferences link, while /health keeps answering', async () => {
      const hostile = manyKeys(90_000);
      expect(Buffer.byteLength(hostile)).toBeLessThan(1024 * 1024);
      const routes = ['/api/auth/login', '/api/public/subscribe', '/api/public/preferences-link'];
      // Two of each in flight at once; each used to hold the event loop for 12–20 s.
      const hostileAnswers = Promise.all(
        routes.flatMap((route, i) =>
          [1, 2].map((n) =>
            t
              .http()
              .post(route)
              .set('X-Forwarded-For', `198.51.100.${i * 2 + n}`)
              .set('Content-Type', 'application/json')
              .send(hostile)
              .then((r) => r),
          ),
        ),
      );
      const health = await t.http().get('/health');
      expect(health.status).toBe(200);
      for (const answer of await hostileAnswers) {
        expect(answer.status).toBe(400);
        expect(answer.body).toEqual({
          statusCode: 400,
          error: 'Bad Request',
          message: 'Request body has an object with more than 1000 keys',
        });
      }
    });

    it('answers many keys spread over nested objects and long arrays with 400 too', async () => {
      const spread = JSON.stringify({
        email: 'a@example.com',
        listIds: [],
        attributes: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`o${i}`, JSON.parse(manyKeys(900))])),
      });
      const res = await t
        .http()
        .post('/api/public/subscribe')
        .set('Content-Type', 'application/json')
        .send(spread)
        .expect(400);
      expect(res.body.message).toBe('Request body has more than 20000 keys and array elements');
      const long = await t
        .http()
        .post('/api/public/subscribe')
        .send({ email: 'a@example.com', listIds: new Array(300_000).fill(0) })
        .expect(400);
      expect(long.body.message).toMatch(/more than 20000 keys and array elements/);
    });

    it('answers JSON nested 3,000 deep with 400, not a stack overflow (500)', async () => {
      for (const route of ['/api/auth/login', '/api/public/subscribe']) {
        const res = await t
          .http()
          .post(route)
          .set('Content-Type', 'application/json')
          .send(`{"email":"a@example.com","x":${nestedObject(3000)}}`)
          .expect(400);
        expect(res.body.message).toBe('Request body is nested more than 40 levels deep');
      }
      const arrays = await t
        .http()
        .post('/api/public/subscribe')
        .set('Content-Type', 'application/json')
        .send('['.repeat(3000) + ']'.repeat(3000))
        .expect(400);
      expect(arrays.body.message).toMatch(/nested more than 40 levels/);
    });

    it('still takes what real clients send: free attributes and deep-enough template data', async () => {
      const attributes = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`answer${i}`, i]));
      const email = `many-answers-${uniqueTag()}@example.com`;
      const created = await t.http().post('/api/subscribers').set(as(editor)).send({ email, attributes }).expect(201);
      expect(Object.keys(created.body.attributes)).toHaveLength(500);
      const data = JSON.parse(nestedObject(30));
      await t
        .http()
        .post('/api/templates/preview')
        .set(as(editor))
        .send({ mjml: mjml('{{a.a.a}}'), data })
        .expect(200);
    });
  });

  describe('page numbers', () => {
    const bad = ['1e300', '99999999999', '-1', '0', '1.5', 'abc'];

    it('answers a huge, negative, fractional or odd ?page= with 400 on every paged API route', async () => {
      for (const route of [
        '/api/subscribers',
        '/api/messages',
        '/api/lists',
        '/api/campaigns',
        '/api/templates',
        '/api/imports',
      ]) {
        for (const page of bad) {
          const res = await t.http().get(`${route}?page=${page}`).set(as(viewer));
          expect({ route, page, status: res.status }).toEqual({ route, page, status: 400 });
          expect(res.body.message).toEqual(expect.arrayContaining([expect.stringMatching(/^page /)]));
        }
        await t.http().get(`${route}?limit=1e300`).set(as(viewer)).expect(400);
        await t.http().get(`${route}?page=2&limit=5`).set(as(viewer)).expect(200);
      }
    });

    it('answers the same on the admin pages with a 400 page, not a 500', async () => {
      const { agent } = await adminSession('viewer');
      for (const path of [
        '/admin/messages',
        '/admin/subscribers',
        '/admin/lists',
        '/admin/imports',
        '/admin/templates',
        '/admin/campaigns',
      ]) {
        for (const page of bad) {
          const res = await agent.get(`${path}?page=${page}`);
          expect({ path, page, status: res.status }).toEqual({ path, page, status: 400 });
          expect(res.headers['content-type']).toMatch(/text\/html/);
          expect(res.text).toMatch(/page must /);
        }
        await agent.get(`${path}?page=2`).expect(200);
      }
    });
  });

  describe('content types', () => {
    it('answers a body of the wrong type with 415 naming the expected one, not a list of missing fields', async () => {
      const plain = await t
        .http()
        .post('/api/auth/login')
        .set('Content-Type', 'text/plain')
        .send('email=a@example.com')
        .expect(415);
      expect(plain.body).toEqual({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: 'Content-Type must be application/json or application/x-www-form-urlencoded; got text/plain',
      });
      const xml = await t
        .http()
        .post('/api/public/subscribe')
        .set('Content-Type', 'application/xml')
        .send('<email>a@example.com</email>')
        .expect(415);
      expect(xml.body.message).toMatch(/^Content-Type must be application\/json/);
      await t.http().post('/api/lists').set(as(editor)).field('name', 'x').expect(415);
      const json = await t.http().post('/api/imports').set(as(editor)).send({ listIds: 'x' }).expect(415);
      expect(json.body.message).toBe('Content-Type must be multipart/form-data; got application/json');
    });

    it('keeps taking forms, bodyless POSTs, and anything on the one-click unsubscribe URL', async () => {
      await t.http().post('/api/public/preferences-link').type('form').send({ email: 'a@example.com' }).expect(202);
      const campaign = await t
        .http()
        .post('/api/campaigns')
        .set(as(editor))
        .send({ name: 'c', subject: 's', mjml: mjml('hi'), listIds: [] });
      if (campaign.status === 201) {
        const paused = await t.http().post(`/api/campaigns/${campaign.body.id}/pause`).set(as(editor));
        expect(paused.status).not.toBe(415);
      }
      const res = await t
        .http()
        .post('/u/not-a-token')
        .set('Content-Type', 'text/plain')
        .send('List-Unsubscribe=One-Click');
      expect(res.status).toBe(404); // an unknown token, not a refused body type
    });
  });

  describe('admin forms', () => {
    it('saves a 70 KB MJML template through the admin form (it was a raw JSON 413)', async () => {
      const { agent, csrf } = await adminSession('editor');
      const big = mjml(`<p>${'Words worth reading, & more. '.repeat(2500)}</p>`);
      expect(big.length).toBeGreaterThan(70_000);
      const name = `Big ${uniqueTag()}`;
      const res = await agent
        .post('/admin/templates')
        .type('form')
        .send({ _csrf: csrf, name, slug: '', kind: 'campaign', subject: 'Big one', mjml: big })
        .expect(303);
      const id = /\/admin\/templates\/([0-9a-f-]{36})/.exec(res.headers.location)![1];
      expect((await t.http().get(`/api/templates/${id}`).set(as(editor)).expect(200)).body.mjml).toBe(big);
    });

    it('answers an admin form over the limit with an admin page naming it, not raw JSON', async () => {
      const { agent, csrf } = await adminSession('editor');
      const res = await agent
        .post('/admin/templates')
        .type('form')
        .send({ _csrf: csrf, name: 'x', kind: 'campaign', subject: 's', mjml: 'x'.repeat(3.2 * 1024 * 1024) });
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('Request body is too large: at most 3 MB');
      expect(res.text).toMatch(/<nav|class="page-head"/);
    });
  });

  describe('text PostgreSQL cannot store: NUL characters and lone surrogates', () => {
    const NUL = '\u0000';

    it('answers a NUL in any string, key or query value with 400 naming it, before anything reaches the database (PostgreSQL answered 500)', async () => {
      const admin = await t.tokenFor('admin');
      const events = await makeApiKey(t, ['events:ingest']);
      const message = 'Request body must not contain the NUL character (\\u0000)';
      const sent: Array<[string, string, object]> = [
        ['/api/lists', admin, { name: `a${NUL}`, optIn: 'single' }],
        ['/api/api-keys', admin, { name: `a${NUL}`, scopes: ['events:ingest'] }],
        ['/api/events/bounces', events, { email: 'x@example.com', type: 'hard', detail: `a${NUL}` }],
        ['/api/events/bounces', events, { email: 'x@example.com', type: 'hard', messageId: `<a${NUL}@example.com>` }],
        ['/api/public/subscribe', '', { email: 'x@example.com', listIds: [], attributes: { [`k${NUL}`]: 1 } }],
      ];
      for (const [route, token, body] of sent) {
        const res = await t
          .http()
          .post(route)
          .set(token ? as(token) : {})
          .send(body);
        expect({ route, status: res.status, message: res.body.message }).toEqual({ route, status: 400, message });
      }
      const query = await t
        .http()
        .get(`/api/messages?search=a${encodeURIComponent(NUL)}`)
        .set(as(viewer))
        .expect(400);
      expect(query.body.message).toBe('Query string must not contain the NUL character (\\u0000)');
    });

    it('answers the admin login form (anonymous) and admin pages with a NUL with a 400 page, not a 500', async () => {
      const agent = request.agent(t.baseUrl);
      const login = await agent.get('/admin/login').expect(200);
      const loginCsrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1];
      const res = await agent
        .post('/admin/login')
        .type('form')
        .send({ email: `a${NUL}@example.com`, password: 'x', _csrf: loginCsrf });
      expect(res.status).toBe(400);
      expect(res.text).toContain('Request body must not contain the NUL character');
      const { agent: viewerAgent } = await adminSession('viewer');
      const page = await viewerAgent.get(`/admin/messages?search=${encodeURIComponent(NUL)}`);
      expect(page.status).toBe(400);
      expect(page.text).toContain('Query string must not contain the NUL character');
    });

    it('answers a UTF-16 surrogate without its pair (JSON "\\ud800") with 400 too, on every route (PostgreSQL answered 500 for JSON columns)', async () => {
      const admin = await t.tokenFor('admin');
      const message = 'Request body must not contain an unpaired UTF-16 surrogate (\\ud800-\\udfff)';
      const attributes = await t
        .http()
        .post('/api/subscribers')
        .set(as(admin))
        .send({ email: `s-${uniqueTag()}@example.com`, attributes: { a: 'x\ud800' } });
      expect({ status: attributes.status, message: attributes.body.message }).toEqual({ status: 400, message });
      const key = await t
        .http()
        .post('/api/public/subscribe')
        .set('Content-Type', 'application/json')
        .send('{"email":"a@example.com","listIds":[],"attributes":{"\\udc00":1}}');
      expect({ status: key.status, message: key.body.message }).toEqual({ status: 400, message });
      // Paired surrogates are ordinary characters (emoji).
      await t
        .http()
        .post('/api/subscribers')
        .set(as(admin))
        .send({ email: `s-${uniqueTag()}@example.com`, name: 'Zoë 😀', attributes: { mood: '😀' } })
        .expect(201);
    });

    it('drops NUL characters a raw bounce carries, rather than failing on them', async () => {
      const events = await makeApiKey(t, ['events:ingest']);
      const email = `nul-${uniqueTag()}@example.com`;
      const dsn = [
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
        '',
        '--B',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.com',
        '',
        `Final-Recipient: rfc822; ${email}`,
        'Action: failed',
        'Status: 5.1.1',
        `Diagnostic-Code: smtp; 550 5.1.1 no${NUL}such user`,
        '',
        '--B',
        'Content-Type: text/rfc822-headers',
        '',
        `Message-ID: <x${NUL}y@example.com>`,
        '',
        '--B--',
        '',
      ].join('\r\n');
      const res = await t
        .http()
        .post('/api/events/bounces')
        .set(as(events))
        .set('Content-Type', 'message/rfc822')
        .send(dsn)
        .expect(200);
      expect(res.body.results).toEqual([expect.objectContaining({ email, type: 'hard', suppressed: true })]);
    });
  });
});
