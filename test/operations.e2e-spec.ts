import { getQueueToken } from '@nestjs/bull';
import { Queue } from 'bull';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { makeApiKey, makeList, makeSubscriber } from './support/factories';
import { freePort } from './support/free-port';
import {
  isRunning,
  PROCESS_TEST_TIMEOUT_MS,
  runService,
  ServiceProcess,
  serviceEnv,
  waitUntilHealthy,
} from './support/node-process';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { until } from './support/until';
import { dataSourceOptions } from '../src/database/database.options';
import { Message } from '../src/delivery/message.entity';
import { QueueName } from '../src/queues/queues';
import { BuiltInTemplates } from '../src/templates/built-in-templates';

// Several tests start real processes of the service: slow on a busy machine (see START_TIMEOUT_MS).
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

/** The pid of the redis-server listening on a unix socket. */
async function redisPidAt(socket: string): Promise<number> {
  const client = new Redis({ path: socket, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const info = await client.info('server');
    return Number(/process_id:(\d+)/.exec(info)![1]);
  } finally {
    client.disconnect();
  }
}

describe('operations (e2e)', () => {
  describe('without REDIS_URL: a private redis-server', () => {
    let t: TestApp;
    let pid: number;
    // An empty REDIS_URL counts as unset (loadConfig drops empty variables).
    beforeAll(async () => (t = await createTestApp({ REDIS_URL: '' })));
    afterAll(async () => {
      // The second test closes the app itself; then only the database is left to drop.
      await t?.close().catch(() => t.db.drop());
    });

    it('is started under DATA_DIR/redis (unix socket, append-only file) and /health sees it up', async () => {
      expect(t.config.redis).toEqual({ kind: 'private', dir: join(t.db.dataDir, 'redis') });
      const socket = join(t.db.dataDir, 'redis', 'redis.sock');
      expect(existsSync(socket)).toBe(true);
      expect(existsSync(join(t.db.dataDir, 'redis', 'appendonlydir'))).toBe(true);
      pid = await redisPidAt(socket);
      expect(isRunning(pid)).toBe(true);
      const res = await t.http().get('/health').expect(200);
      expect(res.body).toEqual({ status: 'ok', db: 'up', redis: 'up' });
    });

    it('is stopped when the app closes', async () => {
      expect(isRunning(pid)).toBe(true);
      await t.app.close();
      expect(isRunning(pid)).toBe(false);
    });
  });

  describe('closing', () => {
    it('waits for a job that is running to finish before the queues and Redis go', async () => {
      const t = await createTestApp({ REDIS_URL: '' });
      try {
        const queue = t.app.get<Queue>(getQueueToken(QueueName.SystemMail));
        let release!: () => void;
        const events: string[] = [];
        const started = new Promise<void>((resolve) => {
          void queue.process('operations-test-slow-job', 1, async () => {
            events.push('job started');
            resolve();
            await new Promise<void>((r) => (release = r));
            events.push('job finished');
          });
        });
        await queue.add('operations-test-slow-job', {});
        await started;
        const closing = t.app.close().then(() => events.push('app closed'));
        // Let the close run up to where it waits, then let the job end.
        await new Promise((r) => setTimeout(r, 300));
        release();
        await closing;
        expect(events).toEqual(['job started', 'job finished', 'app closed']);
      } finally {
        await t.db.drop();
      }
    });

    it('leaves no connection to Redis open or reconnecting once closed, even when closed twice', async () => {
      const t = await createTestApp({ REDIS_URL: '' });
      try {
        const queues = Object.values(QueueName).map((name) => t.app.get<Queue>(getQueueToken(name)));
        await t.http().get('/health').expect(200);
        // A second close (a signal during a programmatic close) runs every shutdown hook again.
        await t.app.close();
        await t.app.close();
        // ioredis retries a dropped connection after 50 ms first: a client left behind is reconnecting by now.
        await new Promise((r) => setTimeout(r, 1000));
        const clients = queues.flatMap((q) => q.clients);
        expect(clients.length).toBeGreaterThan(queues.length);
        expect(clients.map((c) => c.status).filter((status) => status !== 'end')).toEqual([]);
      } finally {
        await t.db.drop();
      }
    });

    it('lets campaign and order mail that SMTP is receiving finish before the connections close', async () => {
      const sink = await new SmtpSink().start();
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let arrived = 0;
      sink.beforeAccept = () => {
        arrived++;
        return held;
      };
      const t = await createTestApp({ SMTP_URL: sink.url });
      let closed = false;
      try {
        const list = await makeList(t);
        const reader = await makeSubscriber(t, { lists: { [list.id]: 'confirmed' } });
        const editor = await t.tokenFor('editor');
        const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
        const mjml =
          '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>';
        const campaign = (
          await t
            .http()
            .post('/api/campaigns')
            .set(auth(editor))
            .send({ name: 'Held', subject: 'Hi', mjml, listIds: [list.id] })
            .expect(201)
        ).body;
        await t.http().post(`/api/campaigns/${campaign.id}/send`).set(auth(editor)).expect(202);
        const sample = t.app.get(BuiltInTemplates).get('order-placed')!.sample as { order: Record<string, unknown> };
        const key = await makeApiKey(t, ['transactional:send']);
        const order = {
          orderId: 'held-1',
          status: 'placed',
          customer: { email: 'buyer@example.com', name: 'Buyer' },
          order: sample.order,
        };
        const placed = (await t.http().post('/api/orders/events').set(auth(key)).send(order).expect(202)).body;
        await until(() => arrived >= 2, 'both messages to reach SMTP', 120_000, 50);

        const closing = t.app.close().then(() => (closed = true));
        // Let the close run up to where it waits for the jobs, then let SMTP accept both.
        await new Promise((r) => setTimeout(r, 500));
        expect(closed).toBe(false);
        release();
        await closing;

        expect(sink.received.map((m) => m.to[0]).sort()).toEqual(['buyer@example.com', reader.email].sort());
        const db = await new DataSource(dataSourceOptions(t.config.database)).initialize();
        try {
          const messages = await db
            .getRepository(Message)
            .find({ where: [{ campaignId: campaign.id }, { id: placed.id }] });
          expect(messages.map((m) => m.status)).toEqual(['sent', 'sent']);
        } finally {
          await db.destroy();
        }
      } finally {
        release();
        if (!closed) await t.app.close();
        await t.db.drop();
        await sink.stop();
      }
    });
  });

  describe('processes', () => {
    let db: TestDatabase;
    beforeEach(async () => (db = await createTestDatabase()));
    afterEach(() => db.drop());

    it('without redis-server on PATH the boot stops with one line naming REDIS_URL', async () => {
      const emptyBin = mkdtempSync(join(tmpdir(), 'mc-nobin-'));
      try {
        const result = await runService(
          'main',
          [],
          serviceEnv({ ...db.env, PATH: emptyBin, PORT: String(await freePort()) }),
        );
        expect(result.code).toBe(1);
        const lines = result.stderr.split('\n').filter((l) => l.trim() !== '');
        expect(lines).toEqual([
          expect.stringMatching(/^Configuration error: REDIS_URL is not set and no redis-server is on PATH/),
        ]);
      } finally {
        rmSync(emptyBin, { recursive: true, force: true });
      }
    });

    it('SIGTERM closes the service, exits 0 and stops its private redis-server', async () => {
      const port = await freePort();
      const proc = new ServiceProcess('main', [], serviceEnv({ ...db.env, PORT: String(port) }));
      try {
        await waitUntilHealthy(proc, `http://127.0.0.1:${port}`);
        const pid = await redisPidAt(join(db.dataDir, 'redis', 'redis.sock'));
        const result = await proc.stop('SIGTERM');
        expect(result).toMatchObject({ code: 0, signal: null });
        expect(isRunning(pid)).toBe(false);
      } finally {
        await proc.stop('SIGKILL');
      }
    });

    it('a second process on the same data directory answers with one line when the port is taken', async () => {
      const port = await freePort();
      const first = new ServiceProcess('main', [], serviceEnv({ ...db.env, PORT: String(port) }));
      try {
        await waitUntilHealthy(first, `http://127.0.0.1:${port}`);
        const second = await runService('main', [], serviceEnv({ ...db.env, PORT: String(port) }));
        // Compared whole, so a failure shows everything the process printed.
        expect(second).toEqual({
          code: 1,
          signal: null,
          stdout: '',
          stderr: `Configuration error: PORT ${port} is already in use by another program\n`,
        });
        // The second process shared the first one's redis-server and must not have stopped it.
        const health = await request(`http://127.0.0.1:${port}`).get('/health');
        expect({ status: health.status, body: health.body }).toEqual({
          status: 200,
          body: { status: 'ok', db: 'up', redis: 'up' },
        });
      } finally {
        await first.stop('SIGTERM');
      }
    });

    it('a worker process (--worker) starts without HTTP and exits 0 on SIGTERM', async () => {
      const proc = new ServiceProcess(
        'main',
        ['--worker'],
        serviceEnv({
          ...db.env,
          REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
          // Its own keys on the shared Redis: a suite running at the same time must not share its queues.
          QUEUE_PREFIX: `mcworker-${randomBytes(4).toString('hex')}`,
          LOG_LEVEL: 'info',
        }),
      );
      try {
        await proc.waitForOutput(/"msg":"Worker started/);
        expect(proc.stdout).not.toMatch(/Mapped \{/);
        expect(await proc.stop('SIGTERM')).toMatchObject({ code: 0, signal: null });
      } finally {
        await proc.stop('SIGKILL');
      }
    });
  });
});
