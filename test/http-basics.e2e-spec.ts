import { createTestApp, TestApp } from './support/test-app';

/** What every route shares: security headers, body limits and errors, login throttling, the API docs. */
describe('HTTP basics (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('sets helmet security headers and hides x-powered-by', async () => {
    const res = await t.http().get('/health');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('refuses a JSON body over 1 MB with 413 in Nest error shape', async () => {
    const body = JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(1024 * 1024 + 10) });
    const res = await t.http().post('/api/auth/login').set('Content-Type', 'application/json').send(body).expect(413);
    expect(res.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: expect.any(String) });
  });

  it('accepts a JSON body just under 1 MB (then validates it)', async () => {
    const body = JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(1000 * 1000) });
    const res = await t.http().post('/api/auth/login').set('Content-Type', 'application/json').send(body).expect(400);
    expect(res.body.message).toEqual(expect.arrayContaining([expect.stringMatching(/password/)]));
  });

  it('answers malformed JSON with 400 in Nest error shape', async () => {
    const res = await t
      .http()
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email": ')
      .expect(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Request body is not valid JSON' });
  });

  it('answers an unknown route with 404 in Nest error shape', async () => {
    const res = await t.http().get('/api/no-such-thing').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('serves the OpenAPI page at /api/docs and its JSON document', async () => {
    const page = await t.http().get('/api/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('swagger');
    const doc = await t.http().get('/api/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/api-keys', '/health']),
    );
  });

  it('throttles login: the 11th failed attempt on one account within 15 minutes is 429 (more in auth.e2e-spec)', async () => {
    // The test app trusts X-Forwarded-For from loopback (TRUST_PROXY), so each test client gets its own address.
    const attempt = (ip: string, i: number, email = 'nobody@example.com') =>
      t
        .http()
        .post('/api/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ email, password: `guess number ${i}` });
    for (let i = 1; i <= 10; i++) await attempt('203.0.113.7', i).expect(401);
    const res = await attempt('203.0.113.7', 11).expect(429);
    expect(res.body).toMatchObject({ statusCode: 429 });
    await attempt('203.0.113.8', 1, 'somebody-else@example.com').expect(401);
  });
});
