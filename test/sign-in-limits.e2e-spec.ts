import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { ACCOUNT_ATTEMPTS, ADDRESS_ATTEMPTS } from '../src/auth/login-limiter.service';
import { UsersService } from '../src/users/users.service';
import { csrfIn } from './support/admin-agent';
import { createTestApp, TestApp } from './support/test-app';

const PASSWORD = 'correct horse battery';

async function makeUser(t: TestApp, role: 'admin' | 'viewer' = 'viewer'): Promise<string> {
  const email = `limited-${randomBytes(4).toString('hex')}@example.com`;
  await t.app.get(UsersService).create(email, PASSWORD, role);
  return email;
}

const login = (t: TestApp, email: string, password: string, forwardedFor?: string) => {
  const req = t.http().post('/api/auth/login');
  if (forwardedFor) req.set('X-Forwarded-For', forwardedFor);
  return req.send({ email, password });
};

/** Sign-in attempts are limited per account and per client address, in Redis, for the API and the admin form alike. */
describe('sign-in limits (e2e)', () => {
  describe('behind a trusted proxy (TRUST_PROXY=127.0.0.1)', () => {
    let t: TestApp;
    beforeAll(async () => (t = await createTestApp({ TRUST_PROXY: '127.0.0.1' })));
    afterAll(() => t.close());

    it('locks an account after 10 failures from different addresses: even the right password is 429 with Retry-After', async () => {
      const email = await makeUser(t);
      for (let i = 0; i < ACCOUNT_ATTEMPTS; i++)
        await login(t, email, `wrong ${i}`, `198.51.100.${i % 2 ? 1 : 2}`).expect(401);
      const refused = await login(t, email, PASSWORD, '198.51.100.3').expect(429);
      expect(refused.body).toEqual({
        statusCode: 429,
        error: 'Too Many Requests',
        message: 'Too many failed sign-in attempts for this account: try again in 15 minutes',
      });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(800);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(900);

      // The admin login form counts the same attempts.
      const agent = request.agent(t.baseUrl);
      const csrf = csrfIn((await agent.get('/admin/login').expect(200)).text);
      const page = await agent
        .post('/admin/login')
        .set('X-Forwarded-For', '198.51.100.4')
        .type('form')
        .send({ email, password: PASSWORD, _csrf: csrf })
        .expect(429);
      expect(page.text).toContain('Too many failed sign-in attempts for this account');
      expect(page.headers['retry-after']).toMatch(/^\d+$/);
      // Another account is not affected.
      await login(t, await makeUser(t), PASSWORD, '198.51.100.1').expect(200);
    });

    it('a successful sign-in starts the account afresh', async () => {
      const email = await makeUser(t);
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < ACCOUNT_ATTEMPTS - 1; i++) await login(t, email, `wrong ${i}`, '198.51.100.20').expect(401);
        await login(t, email, PASSWORD, '198.51.100.20').expect(200);
      }
    });

    it('failures on the admin form lock the API too', async () => {
      const email = await makeUser(t, 'admin');
      const agent = request.agent(t.baseUrl);
      for (let i = 0; i < ACCOUNT_ATTEMPTS; i++) {
        const csrf = csrfIn((await agent.get('/admin/login')).text);
        await agent
          .post('/admin/login')
          .set('X-Forwarded-For', '198.51.100.30')
          .type('form')
          .send({ email, password: `wrong ${i}`, _csrf: csrf })
          .expect(401);
      }
      await login(t, email, PASSWORD, '198.51.100.31').expect(429);
    });

    it('counts the forwarded address: one client address is limited, another is not', async () => {
      for (let i = 0; i < ADDRESS_ATTEMPTS; i++)
        await login(t, `nobody-${i}@example.com`, 'wrong', '203.0.113.50').expect(401);
      const refused = await login(t, 'someone-new@example.com', 'wrong', '203.0.113.50').expect(429);
      expect(refused.body.message).toBe(
        'Too many failed sign-in attempts from your network address: try again in 15 minutes',
      );
      await login(t, 'someone-new@example.com', 'wrong', '203.0.113.51').expect(401);
    });
  });

  describe('with no proxy trusted (the default)', () => {
    let t: TestApp;
    beforeAll(async () => (t = await createTestApp({ TRUST_PROXY: '' })));
    afterAll(() => t.close());

    it('ignores X-Forwarded-For: a client naming a new address on each try is still limited by its own', async () => {
      for (let i = 0; i < ADDRESS_ATTEMPTS; i++)
        await login(t, `guess-${i}@example.com`, 'wrong', `203.0.113.${i + 1}`).expect(401);
      const refused = await login(t, 'guess-new@example.com', 'wrong', '192.0.2.99').expect(429);
      expect(refused.body.message).toContain('from your network address');
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    });
  });

  describe('two processes on one Redis', () => {
    let a: TestApp;
    let b: TestApp;
    beforeAll(async () => {
      const prefix = `mctest-shared-${randomBytes(4).toString('hex')}`;
      a = await createTestApp({ QUEUE_PREFIX: prefix });
      b = await createTestApp({ QUEUE_PREFIX: prefix });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    it('share the counts: failures on one lock the account on the other', async () => {
      const email = `shared-${randomBytes(4).toString('hex')}@example.com`;
      await b.app.get(UsersService).create(email, PASSWORD, 'viewer');
      for (let i = 0; i < ACCOUNT_ATTEMPTS; i++) await login(a, email, `wrong ${i}`).expect(401);
      await login(b, email, PASSWORD).expect(429);
    });
  });
});
