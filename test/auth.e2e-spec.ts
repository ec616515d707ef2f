import request from 'supertest';
import { createTestApp, TestApp } from './support/test-app';

describe('auth (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ ADMIN_EMAIL: 'Boss@Example.com', ADMIN_PASSWORD: 'first admin password' });
  });
  afterAll(() => t.close());

  it('creates the first admin from ADMIN_EMAIL and logs in with it', async () => {
    const res = await t
      .http()
      .post('/api/auth/login')
      .send({ email: 'boss@example.com', password: 'first admin password' })
      .expect(200);
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

  it('a new password ends every access token issued before it; a token signed in again works', async () => {
    const admin = await t.tokenFor('admin');
    const email = `renewed-${Date.now()}@example.com`;
    const user = (
      await t
        .http()
        .post('/api/users')
        .set('Authorization', `Bearer ${admin}`)
        .send({ email, password: 'old password 123', role: 'editor' })
        .expect(201)
    ).body;
    const login = (password: string) => t.http().post('/api/auth/login').send({ email, password });
    const before = (await login('old password 123').expect(200)).body.accessToken;
    await t.http().get('/api/lists').set('Authorization', `Bearer ${before}`).expect(200);

    await t
      .http()
      .patch(`/api/users/${user.id}`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ password: 'new password 456' })
      .expect(200);
    await t.http().get('/api/lists').set('Authorization', `Bearer ${before}`).expect(401);
    await login('old password 123').expect(401);
    const after = (await login('new password 456').expect(200)).body.accessToken;
    await t.http().get('/api/lists').set('Authorization', `Bearer ${after}`).expect(200);
    // Changing a role keeps the user's tokens (the role is read fresh on every request).
    await t
      .http()
      .patch(`/api/users/${user.id}`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ role: 'viewer' })
      .expect(200);
    await t.http().get('/api/lists').set('Authorization', `Bearer ${after}`).expect(200);
  });

  it('an admin session cookie is not an access token', async () => {
    const agent = request.agent(t.baseUrl);
    const form = await agent.get('/admin/login').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    const signIn = await agent
      .post('/admin/login')
      .type('form')
      .send({ email: 'boss@example.com', password: 'first admin password', _csrf: csrf })
      .expect(303);
    const session = /mc_admin=([^;]+)/.exec(String(signIn.headers['set-cookie']))![1];
    await agent.get('/admin').expect(200);
    await t.http().get('/api/users').set('Authorization', `Bearer ${session}`).expect(401);
  });
});
