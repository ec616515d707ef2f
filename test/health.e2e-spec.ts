import { freePort } from './support/free-port';
import { createTestApp, TestApp } from './support/test-app';

describe('health (e2e)', () => {
  describe('with the database and Redis reachable', () => {
    let t: TestApp;
    beforeAll(async () => (t = await createTestApp()));
    afterAll(() => t.close());

    it('answers 200 {status: "ok", db: "up", redis: "up"} without credentials', async () => {
      const res = await t.http().get('/health').expect(200);
      expect(res.body).toEqual({ status: 'ok', db: 'up', redis: 'up' });
    });
  });

  describe('with Redis unreachable', () => {
    let t: TestApp;
    // Nothing listens on a port that was just free: the service must still boot (Bull connects lazily).
    beforeAll(async () => (t = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` })));
    afterAll(() => t.close());

    it('answers 503 naming redis down and db up', async () => {
      const res = await t.http().get('/health').expect(503);
      expect(res.body).toEqual({ status: 'error', db: 'up', redis: 'down' });
    });

    it('keeps serving the API that needs no Redis', async () => {
      const token = await t.tokenFor('admin');
      await t.http().get('/api/users').set('Authorization', `Bearer ${token}`).expect(200);
    });
  });
});
