import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROCESS_TEST_TIMEOUT_MS, runService, serviceEnv } from './support/node-process';

// Each test runs the service or its command line as a process of its own: slow on a busy machine.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

/** Bad configuration stops the real boot (`node dist/main`) with one line naming the variable. */
describe('configuration at boot (e2e)', () => {
  let dataDir: string;
  beforeAll(() => (dataDir = mkdtempSync(join(tmpdir(), 'mc-boot-'))));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const cases: [string, string, Record<string, string>][] = [
    ['PORT=abc', 'PORT', { PORT: 'abc' }],
    ['MAIL_FROM with two addresses', 'MAIL_FROM', { MAIL_FROM: 'a@example.com, b@example.com' }],
    [
      'NODE_ENV=production without COMPANY_ADDRESS',
      'COMPANY_ADDRESS',
      { NODE_ENV: 'production', APP_SECRET: 'x'.repeat(32) },
    ],
  ];

  it.each(cases)('%s: exits non-zero, printing exactly one line that names %s', async (_name, variable, env) => {
    const result = await runService(
      'main',
      [],
      serviceEnv({ DATA_DIR: dataDir, REDIS_URL: 'redis://127.0.0.1:6379', ...env }),
    );
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    const lines = result.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^Configuration error: ${variable} `))]);
    expect(result.stdout).toBe('');
  });
});
