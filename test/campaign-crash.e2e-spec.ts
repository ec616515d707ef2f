import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { freePort } from './support/free-port';
import { PROCESS_TEST_TIMEOUT_MS, ServiceProcess, serviceEnv, waitUntilHealthy } from './support/node-process';
import { SmtpSink } from './support/smtp-sink';
import { createTestDatabase, TestDatabase } from './support/test-database';

const RECIPIENTS = 200;
const MJML =
  '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{subscriber.email}}</mj-text></mj-column></mj-section></mj-body></mjml>';

/** Counts messages of a campaign by status, reading the service's database directly (the service is dead). */
async function statusCounts(db: TestDatabase, campaignId: string): Promise<Record<string, number>> {
  const pg = Boolean(db.env.DATABASE_URL);
  const ds = await new DataSource(
    pg
      ? { type: 'postgres', url: db.env.DATABASE_URL }
      : { type: 'better-sqlite3', database: join(db.dataDir, 'app.sqlite') },
  ).initialize();
  try {
    const rows: Array<{ status: string; n: string | number }> = await ds.query(
      `SELECT status, COUNT(*) AS n FROM messages WHERE campaign_id = ${pg ? '$1' : '?'} GROUP BY status`,
      [campaignId],
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  } finally {
    await ds.destroy();
  }
}

describe('a campaign survives the process being killed (e2e)', () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let proc: ServiceProcess | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await new SmtpSink().start();
  });
  afterAll(async () => {
    await proc?.stop('SIGKILL');
    await sink?.stop();
    await db?.drop();
  });

  it(
    'SIGKILL mid-campaign, then a restart: nobody missed, duplicates no more than the messages in flight',
    async () => {
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const env = serviceEnv({
        ...db.env,
        PORT: String(port),
        PUBLIC_URL: baseUrl,
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        QUEUE_PREFIX: `mccrash-${randomBytes(4).toString('hex')}`,
        SMTP_URL: sink.url,
        // Slow enough to kill it in the middle, fast enough to finish soon after the restart.
        SEND_RATE: '40',
        ADMIN_EMAIL: 'admin@crash.example',
        ADMIN_PASSWORD: 'correct horse battery staple',
      });
      proc = new ServiceProcess('main', [], env);
      await waitUntilHealthy(proc, baseUrl);
      const login = await request(baseUrl)
        .post('/api/auth/login')
        .send({ email: 'admin@crash.example', password: 'correct horse battery staple' })
        .expect(200);
      const auth = { Authorization: `Bearer ${login.body.accessToken}` };
      const list = await request(baseUrl)
        .post('/api/lists')
        .set(auth)
        .send({ name: 'Crash', optIn: 'single' })
        .expect(201);
      const emails: string[] = [];
      for (let i = 0; i < RECIPIENTS; i++) {
        const email = `reader-${i}@crash.example`;
        await request(baseUrl)
          .post('/api/subscribers')
          .set(auth)
          .send({ email, listIds: [list.body.id] })
          .expect(201);
        emails.push(email);
      }
      const campaign = await request(baseUrl)
        .post('/api/campaigns')
        .set(auth)
        .send({ name: 'Crash', subject: 'Hi', mjml: MJML, listIds: [list.body.id] })
        .expect(201);
      const id: string = campaign.body.id;
      await request(baseUrl).post(`/api/campaigns/${id}/send`).set(auth).expect(202);

      await sink.waitFor(() => true, RECIPIENTS / 4, 180_000);
      await proc.stop('SIGKILL');
      const atDeath = await statusCounts(db, id);
      const inFlight = atDeath.sending ?? 0;
      expect(atDeath.queued ?? 0).toBeGreaterThan(0); // killed in the middle indeed

      proc = new ServiceProcess('main', [], env);
      await waitUntilHealthy(proc, baseUrl);
      const deadline = Date.now() + 180_000;
      for (;;) {
        const res = await request(baseUrl).get(`/api/campaigns/${id}`).set(auth).expect(200);
        if (res.body.status === 'sent') {
          expect(res.body.progress).toMatchObject({ total: RECIPIENTS, sent: RECIPIENTS, pending: 0, failed: 0 });
          break;
        }
        if (Date.now() > deadline)
          throw new Error(`campaign not finished after the restart: ${JSON.stringify(res.body)}`);
        await new Promise((r) => setTimeout(r, 250));
      }

      const received = sink.received.flatMap((m) => m.to);
      expect(new Set(received)).toEqual(new Set(emails));
      const duplicates = received.length - new Set(received).size;
      expect(duplicates).toBeLessThanOrEqual(inFlight);
    },
    PROCESS_TEST_TIMEOUT_MS + 120_000,
  );
});
