import { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createHttpApp } from '../../src/bootstrap';
import { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { Role } from '../../src/users/roles';
import { UsersService } from '../../src/users/users.service';
import { createTestDatabase, TestDatabase } from './test-database';
import { freePort } from './free-port';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  db: TestDatabase;
  /** supertest against the running server */
  http: () => ReturnType<typeof request>;
  baseUrl: string;
  /** A bearer token for a new user of that role. */
  tokenFor(role: Role): Promise<string>;
  close(): Promise<void>;
}

/**
 * Boots the real service (real database, real Redis, real HTTP listener on a free port) the way
 * `npm start` does, with a database and a Bull key prefix of its own. `env` adds or overrides variables.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const port = await freePort();
  const config = loadConfig({
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `mctest-${randomBytes(5).toString('hex')}`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    PORT: String(port),
    // The tests' client stands in for a proxy on this machine: specs give each simulated client an address of
    // its own with X-Forwarded-For. The default (no proxy trusted) is tested by passing TRUST_PROXY: ''.
    TRUST_PROXY: 'loopback',
    ...db.env,
    ...env,
  });
  const app = await createHttpApp(config);
  await app.listen(port, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${port}`;
  let users = 0;
  return {
    app,
    config,
    db,
    baseUrl,
    http: () => request(baseUrl),
    async tokenFor(role) {
      const email = `${role}-${++users}-${randomBytes(3).toString('hex')}@example.com`;
      await app.get(UsersService).create(email, 'correct horse battery', role);
      const res = await request(baseUrl)
        .post('/api/auth/login')
        .send({ email, password: 'correct horse battery' })
        .expect(200);
      return res.body.accessToken;
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
