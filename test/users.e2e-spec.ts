import { UsersService } from '../src/users/users.service';
import { makeApiKey } from './support/factories';
import { createTestApp, TestApp } from './support/test-app';

describe('users API (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let adminId: string;
  beforeAll(async () => {
    t = await createTestApp({ ADMIN_EMAIL: 'owner@example.com', ADMIN_PASSWORD: 'owner password 1' });
    const login = await t
      .http()
      .post('/api/auth/login')
      .send({ email: 'owner@example.com', password: 'owner password 1' })
      .expect(200);
    admin = login.body.accessToken;
    adminId = login.body.user.id;
  });
  afterAll(() => t.close());

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('an admin creates, lists, updates and deletes users; no answer carries a password or its hash', async () => {
    const created = await t
      .http()
      .post('/api/users')
      .set(as(admin))
      .send({ email: ' Writer@Example.com ', password: 'writer password', role: 'editor' })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      email: 'writer@example.com',
      role: 'editor',
      createdAt: expect.any(String),
    });

    const list = await t.http().get('/api/users').set(as(admin)).expect(200);
    expect(list.body.map((u: { email: string }) => u.email)).toEqual(
      expect.arrayContaining(['owner@example.com', 'writer@example.com']),
    );
    expect(JSON.stringify(list.body)).not.toMatch(/password|\$2[aby]\$/i);

    const updated = await t
      .http()
      .patch(`/api/users/${created.body.id}`)
      .set(as(admin))
      .send({ role: 'viewer', password: 'a new password' })
      .expect(200);
    expect(updated.body).toMatchObject({ id: created.body.id, role: 'viewer' });
    const login = await t
      .http()
      .post('/api/auth/login')
      .send({ email: 'writer@example.com', password: 'a new password' })
      .expect(200);
    expect(login.body.user.role).toBe('viewer');

    await t.http().delete(`/api/users/${created.body.id}`).set(as(admin)).expect(204);
    await t
      .http()
      .post('/api/auth/login')
      .send({ email: 'writer@example.com', password: 'a new password' })
      .expect(401);
    // A deleted user's token stops working at once.
    await t.http().get('/api/users').set(as(login.body.accessToken)).expect(401);
    await t.http().delete(`/api/users/${created.body.id}`).set(as(admin)).expect(404);
  });

  it('a second user with the same email (any case) is 409', async () => {
    await t
      .http()
      .post('/api/users')
      .set(as(admin))
      .send({ email: 'twice@example.com', password: 'first password', role: 'viewer' })
      .expect(201);
    const res = await t
      .http()
      .post('/api/users')
      .set(as(admin))
      .send({ email: 'TWICE@example.com', password: 'second password', role: 'viewer' })
      .expect(409);
    expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
  });

  it('bad input is 400 naming the field', async () => {
    const cases: [object, RegExp][] = [
      [{ email: 'not-an-address', password: 'long enough password', role: 'editor' }, /email/],
      [{ email: 'short@example.com', password: 'short', role: 'editor' }, /password/],
      [{ email: 'role@example.com', password: 'long enough password', role: 'owner' }, /role/],
    ];
    for (const [body, field] of cases) {
      const res = await t.http().post('/api/users').set(as(admin)).send(body).expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(field);
    }
    await t.http().patch('/api/users/not-a-uuid').set(as(admin)).send({ role: 'viewer' }).expect(400);
  });

  it('a password longer than bcrypt reads (72 bytes in UTF-8) is 400 naming the limit, on create and on change', async () => {
    const tooLong = 'é'.repeat(37); // 37 characters, 74 bytes
    const created = await t
      .http()
      .post('/api/users')
      .set(as(admin))
      .send({ email: 'long-pw@example.com', password: tooLong, role: 'viewer' })
      .expect(400);
    expect(JSON.stringify(created.body.message)).toContain('password must be at most 72 bytes in UTF-8');
    const fits = 'é'.repeat(36); // 72 bytes
    const user = await t
      .http()
      .post('/api/users')
      .set(as(admin))
      .send({ email: 'long-pw@example.com', password: fits, role: 'viewer' })
      .expect(201);
    await t.http().post('/api/auth/login').send({ email: 'long-pw@example.com', password: fits }).expect(200);
    const changed = await t
      .http()
      .patch(`/api/users/${user.body.id}`)
      .set(as(admin))
      .send({ password: 'x'.repeat(73) })
      .expect(400);
    expect(JSON.stringify(changed.body.message)).toContain('72 bytes');
  });

  it('a login with a password longer than 72 bytes never succeeds, even when its first 72 bytes are the password', async () => {
    const stored = 'a'.repeat(72);
    await t
      .http()
      .post('/api/users')
      .set(as(admin))
      .send({ email: 'prefix@example.com', password: stored, role: 'viewer' })
      .expect(201);
    await t.http().post('/api/auth/login').send({ email: 'prefix@example.com', password: stored }).expect(200);
    await t
      .http()
      .post('/api/auth/login')
      .send({ email: 'prefix@example.com', password: `${stored}anything after` })
      .expect(401);
  });

  it('the last admin cannot be demoted or removed (409); with a second admin it can', async () => {
    const demote = await t.http().patch(`/api/users/${adminId}`).set(as(admin)).send({ role: 'editor' }).expect(409);
    expect(demote.body).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
      message: expect.stringMatching(/last admin/),
    });
    await t.http().delete(`/api/users/${adminId}`).set(as(admin)).expect(409);

    const second = await t
      .http()
      .post('/api/users')
      .set(as(admin))
      .send({ email: 'second-admin@example.com', password: 'second admin pw', role: 'admin' })
      .expect(201);
    await t.http().patch(`/api/users/${second.body.id}`).set(as(admin)).send({ role: 'editor' }).expect(200);
    await t.http().patch(`/api/users/${second.body.id}`).set(as(admin)).send({ role: 'admin' }).expect(200);
    await t.http().delete(`/api/users/${second.body.id}`).set(as(admin)).expect(204);
    await t.http().delete(`/api/users/${adminId}`).set(as(admin)).expect(409);
  });

  it('is for admins only: editors and viewers get 403, nobody 401', async () => {
    for (const role of ['editor', 'viewer'] as const) {
      const token = await t.tokenFor(role);
      await t.http().get('/api/users').set(as(token)).expect(403);
      await t
        .http()
        .post('/api/users')
        .set(as(token))
        .send({ email: 'x@example.com', password: 'long enough password', role: 'admin' })
        .expect(403);
    }
    await t.http().get('/api/users').expect(401);
  });

  it('every user reads and sets their own time zone at /api/users/me: IANA names only, 400 naming a bad one', async () => {
    const viewer = await t.tokenFor('viewer');
    const me = await t.http().get('/api/users/me').set(as(viewer)).expect(200);
    expect(me.body).toEqual({
      id: expect.any(String),
      email: expect.stringMatching(/^viewer-/),
      role: 'viewer',
      createdAt: expect.any(String),
      timeZone: 'UTC',
    });

    // Stored as Intl spells it.
    const set = await t
      .http()
      .patch('/api/users/me')
      .set(as(viewer))
      .send({ timeZone: 'america/new_york' })
      .expect(200);
    expect(set.body).toMatchObject({ id: me.body.id, timeZone: 'America/New_York' });
    await expect(t.http().get('/api/users/me').set(as(viewer))).resolves.toMatchObject({
      body: { timeZone: 'America/New_York' },
    });

    for (const bad of ['Mars/Olympus_Mons', '+02:00', 'Europe/Berlin; DROP TABLE users']) {
      const res = await t.http().patch('/api/users/me').set(as(viewer)).send({ timeZone: bad }).expect(400);
      expect(res.body.message).toContain(bad);
      expect(res.body.message).toContain('timeZone');
    }
    const missing = await t.http().patch('/api/users/me').set(as(viewer)).send({}).expect(400);
    expect(JSON.stringify(missing.body.message)).toContain('timeZone');
    // Only the time zone: nobody makes themselves an admin here.
    await t.http().patch('/api/users/me').set(as(viewer)).send({ timeZone: 'UTC', role: 'admin' }).expect(400);
    await expect(t.http().get('/api/users/me').set(as(viewer))).resolves.toMatchObject({
      body: { role: 'viewer', timeZone: 'America/New_York' },
    });

    // A person's setting: no API key reaches it.
    const key = await makeApiKey(t, ['subscribers:write']);
    await t.http().get('/api/users/me').set(as(key)).expect(403);
    await t.http().patch('/api/users/me').set(as(key)).send({ timeZone: 'UTC' }).expect(403);
    await t.http().get('/api/users/me').expect(401);
  });

  // Last: it may demote the owner.
  it('two admins demoted at the same moment: one stays admin', async () => {
    const other = await t
      .http()
      .post('/api/users')
      .set(as(admin))
      .send({ email: 'race@example.com', password: 'race admin pw', role: 'admin' })
      .expect(201);
    const statuses = await Promise.all(
      [adminId, other.body.id].map((id) =>
        t
          .http()
          .patch(`/api/users/${id}`)
          .set(as(admin))
          .send({ role: 'editor' })
          .then((r) => r.status),
      ),
    );
    // The loser is refused as the last admin (409), or, if the owner lost the role first, as no longer an admin (403).
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    const admins = (await t.app.get(UsersService).list()).filter((u) => u.role === 'admin');
    expect(admins).toHaveLength(1);
  });
});
