import { CampaignsService } from '../src/campaigns/campaigns.service';
import { SettingsService } from '../src/settings/settings.service';
import { signedInAgent } from './support/admin-agent';
import { makeList } from './support/factories';
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
    const badLogin = await t.http().post('/admin/login').type('form').send({ email: 'x@example.com', password: 'x', _csrf: 'x' }).expect(403);
    expect(badLogin.headers['cache-control']).toBe('no-store');

    const { agent } = await signedInAgent(t, 'viewer');
    for (const path of ['/admin', '/admin/campaigns', '/admin/subscribers', '/admin/lists', '/admin/imports', '/admin/templates', '/admin/messages']) {
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
    const res = await agent.post('/admin/settings/users').type('form').send({ _csrf: csrf, email: 'long@example.com', password: 'ß'.repeat(40), role: 'viewer' }).expect(400);
    expect(res.text).toContain('password must be at most 72 bytes in UTF-8');
    await t.http().post('/api/auth/login').send({ email: 'long@example.com', password: 'ß'.repeat(40) }).expect(401);
  });

  it('the campaign settings step offers only the senders set up in Settings, and refuses another address', async () => {
    const editor = await t.tokenFor('editor');
    const list = await makeList(t);
    const mjml = '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>';
    const created = await t.http().post('/api/campaigns').set('Authorization', `Bearer ${editor}`).send({ name: 'Senders', subject: 'S', mjml, listIds: [list.id] }).expect(201);
    await t.app.get(SettingsService).setSenders([{ name: 'Offers', email: 'offers@shop.example' }]);
    try {
      const { agent, csrf } = await signedInAgent(t, 'editor');
      const page = await agent.get(`/admin/campaigns/${created.body.id}/settings`).expect(200);
      const select = /<select id="s-from-email" name="fromEmail"[^>]*>([\s\S]*?)<\/select>/.exec(page.text)![1];
      expect([...select.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1])).toEqual(['', 'offers@shop.example']);
      expect(page.text).not.toMatch(/<input[^>]*name="fromEmail"/);

      const form = { _csrf: csrf, name: 'Senders', subject: 'S', fromName: '', trackOpens: 'on', trackClicks: 'on' };
      const refused = await agent.post(`/admin/campaigns/${created.body.id}/settings`).type('form').send({ ...form, fromEmail: 'ceo@elsewhere.example' }).expect(400);
      expect(refused.text).toContain('fromEmail must be one of the senders set up in Settings: offers@shop.example');
      await agent.post(`/admin/campaigns/${created.body.id}/settings`).type('form').send({ ...form, fromEmail: 'offers@shop.example' }).expect(303);
      expect((await t.app.get(CampaignsService).get(created.body.id)).fromEmail).toBe('offers@shop.example');
    } finally {
      await t.app.get(SettingsService).setSenders([]);
    }
  });
});
