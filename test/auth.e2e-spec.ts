import { createTestApp, TestApp } from './support/test-app';

describe('auth (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ ADMIN_EMAIL: 'Boss@Example.com', ADMIN_PASSWORD: 'first admin password' });
  });
  afterAll(() => t.close());

  it('creates the first admin from ADMIN_EMAIL and logs in with it', async () => {
    const res = await t.http().post('/api/auth/login').send({ email: 'boss@example.com', password: 'first admin password' }).expect(200);
    expect(res.body.accessToken).toEqual(expect.any(String));
    expect(res.body.user).toEqual({ id: expect.any(String), email: 'boss@example.com', role: 'admin' });
  });

  it('refuses a wrong password with 401', async () => {
    await t.http().post('/api/auth/login').send({ email: 'boss@example.com', password: 'wrong password!' }).expect(401);
  });

  it('answers 401 without credentials and 403 outside the role', async () => {
    await t.http().get('/api/users').expect(401);
    const viewer = await t.tokenFor('viewer');
    await t.http().get('/api/users').set('Authorization', `Bearer ${viewer}`).expect(403);
  });
});
