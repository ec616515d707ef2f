import { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createHttpApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/load-config';
import { freePort } from './support/free-port';
import { PROCESS_TEST_TIMEOUT_MS, runService, serviceEnv } from './support/node-process';
import { createTestDatabase, TestDatabase } from './support/test-database';

// Each test runs the service or its command line as a process of its own: slow on a busy machine.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const PASSWORD = 'cli password 123';

/** `npm run cli -- create-admin …` against a fresh database, then the service it prepared. */
describe('command line (e2e)', () => {
  let db: TestDatabase;
  let cli: (...args: string[]) => ReturnType<typeof runService>;
  let cliWithStdin: (input: string, ...args: string[]) => ReturnType<typeof runService>;
  beforeAll(async () => {
    db = await createTestDatabase();
    // No REDIS_URL and redis-server not needed: the command line uses only the database.
    cli = (...args) => runService('cli', args, serviceEnv({ ...db.env }));
    cliWithStdin = (input, ...args) => runService('cli', args, serviceEnv({ ...db.env }), input);
  });
  afterAll(() => db.drop());

  it('create-admin migrates a new database, creates the admin and never prints the password', async () => {
    const result = await cli('create-admin', '--email', 'Chief@Example.com', '--password', PASSWORD);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^Created admin chief@example\.com \(id [0-9a-f-]{36}\)\.$/);
    expect(result.stdout).not.toContain(PASSWORD);
    expect(existsSync(join(db.dataDir, 'redis'))).toBe(false);
  });

  it('--role makes an editor or a viewer; without --password it reads the password from stdin', async () => {
    const result = await cliWithStdin(
      `${PASSWORD}\n`,
      'create-admin',
      '--email',
      'helper@example.com',
      '--role',
      'editor',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Created editor helper@example\.com/);
    expect(result.stdout).not.toContain(PASSWORD);
  });

  it('refuses a password longer than the 72 bytes bcrypt reads, counted in UTF-8, on create-admin and set-password', async () => {
    for (const args of [
      ['create-admin', '--email', 'new@example.com', '--password', `${PASSWORD}${'ü'.repeat(30)}`],
      ['set-password', '--email', 'chief@example.com', '--password', 'x'.repeat(73)],
    ]) {
      const result = await cli(...args);
      expect({ args: args[0], code: result.code }).toEqual({ args: args[0], code: 1 });
      expect(result.stderr.trim()).toBe('Error: the password must be at most 72 bytes in UTF-8 (bcrypt reads no more)');
    }
  });

  it('mistakes are one line on stderr, exit code 1, without the password', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['create-admin', '--email', 'chief@example.com', '--password', PASSWORD],
        /^Error: A user with email chief@example\.com already exists$/,
      ],
      [['create-admin', '--password', PASSWORD], /^Error: --email is required$/],
      [['create-admin', '--email', 'new@example.com'], /^Error: a password is required/],
      [['create-admin', '--email', 'nobody', '--password', PASSWORD], /^Error: --email must be an email address$/],
      [
        ['create-admin', '--email', 'new@example.com', '--password', 'short'],
        /^Error: the password must be at least 10 characters$/,
      ],
      [
        ['create-admin', '--email', 'new@example.com', '--password', PASSWORD, '--role', 'owner'],
        /^Error: --role must be one of: admin, editor, viewer$/,
      ],
      [
        ['create-admin', '--email', 'new@example.com', '--password', 'cli', 'password', '123'],
        /^Error: unexpected argument/,
      ],
      [['make-coffee'], /^Error: unknown command "make-coffee"/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(...args);
      expect({ args, code: result.code }).toEqual({ args, code: 1 });
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
      expect(result.stdout + result.stderr).not.toContain(PASSWORD);
      expect(result.stdout + result.stderr).not.toContain('password 123');
    }
  });

  it('a bad configuration stops it with the same one line as the service', async () => {
    const result = await runService(
      'cli',
      ['create-admin', '--email', 'x@example.com', '--password', PASSWORD],
      serviceEnv({ ...db.env, DATABASE_URL: 'mysql://root@localhost/x' }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('Configuration error: DATABASE_URL must be a postgres:// URL');
  });

  it('set-password replaces a password', async () => {
    const result = await cliWithStdin('another password\n', 'set-password', '--email', 'HELPER@example.com');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('Changed the password of helper@example.com.');
  });

  describe('the service on that database', () => {
    let app: NestExpressApplication;
    let baseUrl: string;
    beforeAll(async () => {
      const port = await freePort();
      app = await createHttpApp(
        loadConfig({
          ...db.env,
          PORT: String(port),
          LOG_LEVEL: 'silent',
          REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
          QUEUE_PREFIX: `mctest-${randomBytes(5).toString('hex')}`,
        }),
      );
      await app.listen(port, '127.0.0.1');
      baseUrl = `http://127.0.0.1:${port}`;
    });
    afterAll(() => app?.close());

    it('lets the users the command line made sign in with their roles', async () => {
      const chief = await request(baseUrl)
        .post('/api/auth/login')
        .send({ email: 'chief@example.com', password: PASSWORD })
        .expect(200);
      expect(chief.body.user).toMatchObject({ email: 'chief@example.com', role: 'admin' });
      await request(baseUrl).get('/api/users').set('Authorization', `Bearer ${chief.body.accessToken}`).expect(200);
      const helper = await request(baseUrl)
        .post('/api/auth/login')
        .send({ email: 'helper@example.com', password: 'another password' })
        .expect(200);
      expect(helper.body.user.role).toBe('editor');
    });
  });
});
