import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import { SettingsService } from '../src/settings/settings.service';
import { signedInAgent } from './support/admin-agent';
import { makeList, makeSubscriber } from './support/factories';
import { createTestApp, TestApp } from './support/test-app';

/** What every admin page answers, seen over HTTP without a browser. */
describe('admin pages (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('answers Cache-Control: no-store on every admin page: login, redirects, signed-in pages and errors', async () => {
    const login = await t.http().get('/admin/login').expect(200);
    expect(login.headers['cache-control']).toBe('no-store');
    const redirect = await t.http().get('/admin/campaigns').expect(303);
    expect(redirect.headers['cache-control']).toBe('no-store');
    const badLogin = await t
      .http()
      .post('/admin/login')
      .type('form')
      .send({ email: 'x@example.com', password: 'x', _csrf: 'x' })
      .expect(403);
    expect(badLogin.headers['cache-control']).toBe('no-store');

    const { agent } = await signedInAgent(t, 'viewer');
    for (const path of [
      '/admin',
      '/admin/campaigns',
      '/admin/subscribers',
      '/admin/lists',
      '/admin/imports',
      '/admin/templates',
      '/admin/messages',
    ]) {
      const res = await agent.get(path);
      expect([path, res.status, res.headers['cache-control']]).toEqual([path, 200, 'no-store']);
    }
    const missing = await agent.get('/admin/campaigns/00000000-0000-4000-8000-000000000000').expect(404);
    expect(missing.headers['cache-control']).toBe('no-store');
    const refused = await agent.post('/admin/campaigns').type('form').send({}).expect(403);
    expect(refused.headers['cache-control']).toBe('no-store');
    // The admin's static assets keep their own caching.
    const asset = await t.http().get('/admin/assets/admin.css').expect(200);
    expect(asset.headers['cache-control']).not.toBe('no-store');
  });

  it('the settings page refuses a password longer than 72 bytes in UTF-8, naming the limit', async () => {
    const { agent, csrf } = await signedInAgent(t, 'admin');
    const res = await agent
      .post('/admin/settings/users')
      .type('form')
      .send({ _csrf: csrf, email: 'long@example.com', password: 'ß'.repeat(40), role: 'viewer' })
      .expect(400);
    expect(res.text).toContain('password must be at most 72 bytes in UTF-8');
    await t
      .http()
      .post('/api/auth/login')
      .send({ email: 'long@example.com', password: 'ß'.repeat(40) })
      .expect(401);
  });

  it('the campaign settings step offers only the senders set up in Settings, and refuses another address', async () => {
    const editor = await t.tokenFor('editor');
    const list = await makeList(t);
    const mjml =
      '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>';
    const created = await t
      .http()
      .post('/api/campaigns')
      .set('Authorization', `Bearer ${editor}`)
      .send({ name: 'Senders', subject: 'S', mjml, listIds: [list.id] })
      .expect(201);
    await t.app.get(SettingsService).setSenders([{ name: 'Offers', email: 'offers@shop.example' }]);
    try {
      const { agent, csrf } = await signedInAgent(t, 'editor');
      const page = await agent.get(`/admin/campaigns/${created.body.id}/settings`).expect(200);
      const select = /<select id="s-from-email" name="fromEmail"[^>]*>([\s\S]*?)<\/select>/.exec(page.text)![1];
      expect([...select.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1])).toEqual(['', 'offers@shop.example']);
      expect(page.text).not.toMatch(/<input[^>]*name="fromEmail"/);

      const form = { _csrf: csrf, name: 'Senders', subject: 'S', fromName: '', trackOpens: 'on', trackClicks: 'on' };
      const refused = await agent
        .post(`/admin/campaigns/${created.body.id}/settings`)
        .type('form')
        .send({ ...form, fromEmail: 'ceo@elsewhere.example' })
        .expect(400);
      expect(refused.text).toContain('fromEmail must be one of the senders set up in Settings: offers@shop.example');
      await agent
        .post(`/admin/campaigns/${created.body.id}/settings`)
        .type('form')
        .send({ ...form, fromEmail: 'offers@shop.example' })
        .expect(303);
      expect((await t.app.get(CampaignsService).get(created.body.id)).fromEmail).toBe('offers@shop.example');
    } finally {
      await t.app.get(SettingsService).setSenders([]);
    }
  });

  describe('CSRF tokens never travel in a URL', () => {
    const uploads = () =>
      existsSync(join(t.config.dataDir, 'uploads')) ? readdirSync(join(t.config.dataDir, 'uploads')) : [];

    it('the import form sends its token in the multipart body, first, and no page puts a token in a URL', async () => {
      const { agent } = await signedInAgent(t, 'editor');
      const form = (await agent.get('/admin/imports/new').expect(200)).text;
      expect(form).toMatch(
        /<form[^>]*action="\/admin\/imports"[^>]*enctype="multipart\/form-data"[^>]*>\s*(\{\{!--.*--\}\})?\s*<input type="hidden" name="_csrf" value="[^"]+">/,
      );
      for (const path of [
        '/admin',
        '/admin/imports/new',
        '/admin/lists',
        '/admin/subscribers',
        '/admin/campaigns',
        '/admin/templates',
      ]) {
        expect([path, (await agent.get(path).expect(200)).text.match(/[?&]_csrf=/)]).toEqual([path, null]);
      }
    });

    it('refuses an upload whose token is in the query string, or comes after the file, storing nothing', async () => {
      const list = await makeList(t);
      const { agent, csrf } = await signedInAgent(t, 'editor');
      const before = uploads();
      const inQuery = await agent
        .post(`/admin/imports?_csrf=${csrf}`)
        .field('mode', 'subscribe')
        .field('listIds', list.id)
        .attach('file', Buffer.from('email\nq@example.com\n'), 'people.csv');
      expect(inQuery.status).toBe(403);
      const afterFile = await agent
        .post('/admin/imports')
        .field('mode', 'subscribe')
        .attach('file', Buffer.from('email\nr@example.com\n'), 'people.csv')
        .field('_csrf', csrf);
      expect(afterFile.status).toBe(403);
      const noFile = await agent.post('/admin/imports').field('mode', 'subscribe').field('listIds', list.id);
      expect(noFile.status).toBe(403);
      expect(uploads()).toEqual(before);
      // A plain form with the token only in its URL is refused too.
      await agent
        .post(`/admin/lists?_csrf=${csrf}`)
        .type('form')
        .send({ name: 'Via query', optIn: 'single' })
        .expect(403);
    });

    it('accepts an upload whose token comes first in the body', async () => {
      const list = await makeList(t);
      const { agent, csrf } = await signedInAgent(t, 'editor');
      const res = await agent
        .post('/admin/imports')
        .field('_csrf', csrf)
        .field('mode', 'subscribe')
        .field('listIds', list.id)
        .attach('file', Buffer.from(`email\nupload-${list.id.slice(0, 8)}@example.com\n`), 'people.csv');
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/admin\/imports\/[0-9a-f-]{36}$/);
    });
  });

  describe('a viewer is not shown forms it cannot submit', () => {
    /** Every POST form of a page except signing out, and every link to a page that only makes something. */
    const writeControls = (html: string) => [
      ...[...html.matchAll(/<form\b[^>]*>/gi)]
        .map((m) => m[0])
        .filter((tag) => /method="post"/i.test(tag) && !/action="\/admin\/logout"/.test(tag)),
      ...[...html.matchAll(/href="(\/admin\/[^"]*\/new)(\?[^"]*)?"/g)].map((m) => m[1]),
      ...[...html.matchAll(/<button\b[^>]*data-(?:post|confirm)[^>]*>/gi)].map((m) => m[0]),
    ];

    it('no page offers a viewer a form, a button or a link to a change it would be refused', async () => {
      const editor = await t.tokenFor('editor');
      const api = (path: string, body: object) =>
        t.http().post(path).set('Authorization', `Bearer ${editor}`).send(body);
      const list = await makeList(t, { name: 'Viewer list' });
      const subscriber = await makeSubscriber(t, { lists: { [list.id]: 'confirmed' } });
      const mjml =
        '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{companyAddress}} {{unsubscribeUrl}}</mj-text></mj-column></mj-section></mj-body></mjml>';
      const template = (
        await api('/api/templates', { name: 'Viewer template', kind: 'campaign', subject: 'S', mjml }).expect(201)
      ).body;
      const draft = (
        await api('/api/campaigns', { name: 'Viewer draft', subject: 'S', mjml, listIds: [list.id] }).expect(201)
      ).body;
      const imported = await t
        .http()
        .post('/api/imports')
        .set('Authorization', `Bearer ${editor}`)
        .field('listIds', list.id)
        .attach('file', Buffer.from('email\nviewer-import@example.com\n'), 'v.csv')
        .expect(202);

      const { agent } = await signedInAgent(t, 'viewer');
      const pages = [
        '/admin',
        '/admin/campaigns',
        `/admin/campaigns/${draft.id}`,
        `/admin/campaigns/${draft.id}/review`,
        `/admin/campaigns/${draft.id}/report`,
        '/admin/templates',
        `/admin/templates/${template.id}`,
        '/admin/templates/built-in/newsletter',
        '/admin/lists',
        `/admin/lists/${list.id}`,
        '/admin/subscribers',
        `/admin/subscribers/${subscriber.id}`,
        '/admin/imports',
        `/admin/imports/${imported.body.id}`,
        '/admin/messages',
      ];
      const shown: Array<[string, number, string[]]> = [];
      for (const path of pages) {
        const res = await agent.get(path);
        shown.push([path, res.status, writeControls(res.text)]);
      }
      expect(shown).toEqual(pages.map((path) => [path, 200, []]));
    });

    it('the pages that only make or change something are 403 for a viewer', async () => {
      const editor = await t.tokenFor('editor');
      const list = await makeList(t);
      const mjml =
        '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>';
      const draft = (
        await t
          .http()
          .post('/api/campaigns')
          .set('Authorization', `Bearer ${editor}`)
          .send({ name: 'D', subject: 'S', mjml, listIds: [list.id] })
          .expect(201)
      ).body;
      const { agent } = await signedInAgent(t, 'viewer');
      const paths = [
        '/admin/campaigns/new',
        '/admin/templates/new',
        '/admin/lists/new',
        '/admin/subscribers/new',
        '/admin/imports/new',
        `/admin/campaigns/${draft.id}/content`,
        `/admin/campaigns/${draft.id}/audience`,
        `/admin/campaigns/${draft.id}/settings`,
      ];
      const statuses: Array<[string, number]> = [];
      for (const path of paths) statuses.push([path, (await agent.get(path)).status]);
      expect(statuses).toEqual(paths.map((p) => [p, 403]));
    });
  });
});
