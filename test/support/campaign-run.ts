import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { freePort } from './free-port';
import { ServiceProcess, serviceEnv, waitUntilHealthy } from './node-process';
import { SmtpSink } from './smtp-sink';
import { TestDatabase } from './test-database';
import { until } from './until';

const MJML =
  '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{subscriber.email}}</mj-text></mj-column></mj-section></mj-body></mjml>';
const ADMIN = { email: 'admin@faults.example', password: 'correct horse battery staple' };

/**
 * One campaign sent by a spawned service process (as `npm start` runs it) to a real SMTP sink, for the fault
 * tests: the readers are imported from one CSV (fast), the process can be killed and started again, and the
 * campaign is followed through the API.
 */
export class CampaignRun {
  proc?: ServiceProcess;
  baseUrl = '';
  readonly emails: string[] = [];
  campaignId = '';
  private auth: Record<string, string> = {};
  private env: Record<string, string | undefined> = {};

  constructor(
    readonly db: TestDatabase,
    readonly sink: SmtpSink,
  ) {}

  /** Starts the service; `env` adds to (or overrides) the defaults, DATABASE_URL and REDIS_URL included. */
  async start(env: Record<string, string | undefined> = {}): Promise<void> {
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.env = serviceEnv({
      ...this.db.env,
      PORT: String(port),
      PUBLIC_URL: this.baseUrl,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: `mcfault-${randomBytes(4).toString('hex')}`,
      SMTP_URL: this.sink.url,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ...env,
    });
    await this.restart();
  }

  /** Starts the service again with the same environment (after a kill). */
  async restart(): Promise<void> {
    this.proc = new ServiceProcess('main', [], this.env);
    await waitUntilHealthy(this.proc, this.baseUrl);
  }

  http() {
    return request(this.baseUrl);
  }

  get(path: string) {
    return this.http().get(path).set(this.auth);
  }

  post(path: string, body?: object) {
    return this.http().post(path).set(this.auth).send(body);
  }

  /** Signs in, imports `readers` readers into a new list, and creates the campaign (a draft). */
  async prepare(readers: number, tag: string): Promise<void> {
    const login = await this.http().post('/api/auth/login').send(ADMIN).expect(200);
    this.auth = { Authorization: `Bearer ${login.body.accessToken}` };
    const list = await this.post('/api/lists', { name: tag, optIn: 'single' }).expect(201);
    for (let i = 0; i < readers; i++) this.emails.push(`reader-${i}@${tag}.example`);
    const csv = ['email', ...this.emails].join('\n');
    const started = await this.http()
      .post('/api/imports')
      .set(this.auth)
      .field('listIds', list.body.id)
      .field('mode', 'subscribe')
      .attach('file', Buffer.from(csv), 'readers.csv')
      .expect(202);
    const done = await until(
      async () => {
        const res = await this.get(`/api/imports/${started.body.id}`).expect(200);
        return ['done', 'failed'].includes(res.body.status) ? res.body : null;
      },
      'the import of the readers',
      120_000,
      250,
    );
    if (done.status !== 'done' || done.imported !== readers) throw new Error(`import: ${JSON.stringify(done)}`);
    const campaign = await this.post('/api/campaigns', {
      name: tag,
      subject: 'Hi',
      mjml: MJML,
      listIds: [list.body.id],
      trackOpens: false,
      trackClicks: false,
    }).expect(201);
    this.campaignId = campaign.body.id;
  }

  async send(): Promise<void> {
    await this.post(`/api/campaigns/${this.campaignId}/send`).expect(202);
  }

  /** GET /api/campaigns/:id */
  async campaign(): Promise<{
    status: string;
    progress: { total: number; sent: number; failed: number; pending: number };
  }> {
    return (await this.get(`/api/campaigns/${this.campaignId}`).expect(200)).body;
  }

  /** Waits for the campaign to be 'sent' (the deadline only ends a test that hangs); answers its last state. */
  async finished(timeoutMs = 240_000): ReturnType<CampaignRun['campaign']> {
    let last: Awaited<ReturnType<CampaignRun['campaign']>> | undefined;
    try {
      return await until(
        async () => {
          last = await this.campaign().catch(() => undefined);
          return last?.status === 'sent' ? last : null;
        },
        'the campaign to be sent',
        timeoutMs,
        250,
      );
    } catch (err) {
      throw new Error(
        `${(err as Error).message}: last seen ${JSON.stringify(last)}, ${this.sink.received.length} at the sink`,
      );
    }
  }

  /** Addresses of the campaign's readers that the sink never received. */
  missing(): string[] {
    const got = new Set(this.sink.received.flatMap((m) => m.to));
    return this.emails.filter((e) => !got.has(e));
  }

  /** Messages received beyond one per reader. */
  duplicates(): number {
    return [...this.sink.duplicates().values()].reduce((n, c) => n + c - 1, 0);
  }

  /** The campaign's messages by status, read from the database directly (works while the service is dead). */
  async statusCounts(): Promise<Record<string, number>> {
    const pg = Boolean(this.db.env.DATABASE_URL);
    const ds = await new DataSource(
      pg
        ? { type: 'postgres', url: this.db.env.DATABASE_URL }
        : { type: 'better-sqlite3', database: join(this.db.dataDir, 'app.sqlite') },
    ).initialize();
    try {
      const rows: Array<{ status: string; n: string | number }> = await ds.query(
        `SELECT status, COUNT(*) AS n FROM messages WHERE campaign_id = ${pg ? '$1' : '?'} GROUP BY status`,
        [this.campaignId],
      );
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    } finally {
      await ds.destroy();
    }
  }

  async stop(): Promise<void> {
    await this.proc?.stop('SIGKILL');
  }
}
