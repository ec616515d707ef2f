import { signedInAgent } from './support/admin-agent';
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
});
