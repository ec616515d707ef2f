import { getQueueToken } from '@nestjs/bull';
import { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { BATCH_SIZE } from '../src/campaigns/campaign-jobs.service';
import { UNRECORDED_PER_CONNECTION } from '../src/campaigns/campaign-sender.service';
import { CampaignSweeper } from '../src/campaigns/campaign-sweeper.service';
import { Message } from '../src/delivery/message.entity';
import { OutboxService } from '../src/delivery/outbox.service';
import { SWEEP_INTERVAL_MS } from '../src/queues/periodic-sweep';
import { JobName, QueueName } from '../src/queues/queues';
import { makeList, makeSubscriber, uniqueTag } from './support/factories';
import { createTestApp, TestApp } from './support/test-app';
import { CampaignRun } from './support/campaign-run';
import { PROCESS_TEST_TIMEOUT_MS } from './support/node-process';
import { PrivateRedisServer } from './support/redis-server';
import { SmtpSink } from './support/smtp-sink';
import { TcpProxy } from './support/tcp-proxy';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { until } from './support/until';

/** Readers of each campaign; each fault lands about a third of the way through. */
const READERS = 1500;
const THIRD = READERS / 3;
/** The campaign pool's SMTP connections: the most messages in SMTP's hands at any moment. */
const SMTP_CONNECTIONS = 4;
/** The most messages handed to SMTP and not yet recorded at any moment: what a lost record can send twice. */
const UNRECORDED_BOUND = SMTP_CONNECTIONS * (1 + UNRECORDED_PER_CONNECTION);

/**
 * Faults tried from outside, on a service process left alone afterwards: every reader gets the campaign
 * exactly once (or, where the database loses the record of what SMTP accepted, at most UNRECORDED_BOUND
 * readers twice), the campaign ends 'sent' with nothing failed.
 */
describe('a campaign rides out faults (e2e)', () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let run: CampaignRun | undefined;
  const cleanup: Array<() => Promise<unknown>> = [];

  beforeEach(async () => {
    db = await createTestDatabase();
    sink = await new SmtpSink().start();
    run = new CampaignRun(db, sink);
  });
  afterEach(async () => {
    await run?.stop();
    for (const done of cleanup.splice(0).reverse()) await done().catch(() => undefined);
    await sink?.stop();
    await db?.drop();
  });

  /** Every reader exactly once, the campaign sent with nothing failed. */
  async function everyoneOnce(r: CampaignRun): Promise<void> {
    const campaign = await r.finished();
    expect(campaign.progress).toMatchObject({ total: READERS, sent: READERS, failed: 0, pending: 0 });
    expect(r.missing()).toEqual([]);
    expect(r.duplicates()).toBe(0);
  }

  it(
    'SMTP answers 451 for 15 s: every reader once, no failure',
    async () => {
      const r = run!;
      await r.start({ SEND_RATE: '100', SMTP_CONNECTIONS: String(SMTP_CONNECTIONS) });
      await r.prepare(READERS, 'deferred');
      await r.send();
      await sink.waitFor(() => true, THIRD, 180_000);
      const attemptsBefore = sink.rcptAttempts.length;
      const until451 = sink.deferFor(15_000);
      // refused indeed while it lasted: the service tried and was told to wait
      await until(() => sink.rcptAttempts.length > attemptsBefore + 1, 'a refused attempt', 15_000, 50);
      expect(Date.now()).toBeLessThan(until451);
      await everyoneOnce(r);
      expect(Math.max(...sink.received.map((m) => m.at))).toBeGreaterThan(until451); // finished after it
    },
    PROCESS_TEST_TIMEOUT_MS + 240_000,
  );

  it(
    'Redis loses every key mid-campaign (FLUSHALL): the sweeper queues what was lost, every reader once',
    async () => {
      const r = run!;
      // A Redis of this test's own: the shared one holds other suites' queues.
      const redis = await new PrivateRedisServer().start();
      cleanup.push(() => redis.stop());
      await r.start({ REDIS_URL: redis.url, SEND_RATE: '100', SMTP_CONNECTIONS: String(SMTP_CONNECTIONS) });
      await r.prepare(READERS, 'flushed');
      await r.send();
      await sink.waitFor(() => true, THIRD, 180_000);
      await redis.flushAll();
      const flushedAt = Date.now();
      const atFlush = sink.received.length;
      expect(atFlush).toBeLessThan(READERS * 0.8); // flushed mid-campaign indeed
      // The batches running at the flush finish; then nothing until the sweeper finds what no job covers.
      // It resumes within a minute: mail that no batch running at the flush could have sent.
      const runningAtFlush = 2 * BATCH_SIZE; // the process's batches running at once (BATCH_CONCURRENCY), at most
      await until(
        () => sink.received.length > atFlush + runningAtFlush,
        'new mail after the flush',
        2 * SWEEP_INTERVAL_MS + 20_000 + 30_000, // two sweeps, a sweep's own time, slack for a busy machine
        100,
      );
      expect(Date.now() - flushedAt).toBeLessThan(60_000 + 30_000);
      await everyoneOnce(r);
    },
    PROCESS_TEST_TIMEOUT_MS + 240_000,
  );

  const onPostgres = process.env.DATABASE_URL ? it : it.skip;
  onPostgres(
    'PostgreSQL down for 10 s: /health says 503 meanwhile, the service recovers alone, every reader gets it',
    async () => {
      const r = run!;
      // The service reaches PostgreSQL through a proxy of this test: cutting it takes the database away from
      // this service only, not from the suites that share the server.
      const target = new URL(db.env.DATABASE_URL);
      const proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
      cleanup.push(() => proxy.stop());
      const viaProxy = new URL(db.env.DATABASE_URL);
      viaProxy.port = String(proxy.port);
      await r.start({
        DATABASE_URL: viaProxy.toString(),
        SEND_RATE: '100',
        SMTP_CONNECTIONS: String(SMTP_CONNECTIONS),
      });
      await r.prepare(READERS, 'dbdown');
      await r.send();
      await sink.waitFor(() => true, THIRD, 180_000);
      proxy.down();
      const upAt = Date.now() + 10_000;
      const health = await until(
        async () => {
          const res = await fetch(`${r.baseUrl}/health`).catch(() => null);
          return res?.status === 503 ? ((await res.json()) as Record<string, string>) : null;
        },
        '/health to answer 503 while the database is down',
        9_000,
        200,
      );
      expect(health).toMatchObject({ status: 'error', db: 'down', redis: 'up' });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, upAt - Date.now())));
      proxy.up();
      await until(
        async () => (await fetch(`${r.baseUrl}/health`).catch(() => null))?.status === 200,
        '/health to answer 200 once the database is back',
        60_000,
        200,
      );
      const campaign = await r.finished();
      expect(campaign.progress).toMatchObject({ total: READERS, sent: READERS, failed: 0, pending: 0 });
      expect(r.missing()).toEqual([]);
      const duplicates = r.duplicates();
      console.log(`PostgreSQL down for 10 s: ${duplicates} reader(s) got the campaign twice`);
      expect(duplicates).toBeLessThanOrEqual(UNRECORDED_BOUND);
    },
    PROCESS_TEST_TIMEOUT_MS + 240_000,
  );

  it(
    'a pause stops sending within a second and the count stands still; a resume sends the rest, everyone once',
    async () => {
      const r = run!;
      await r.start({ SEND_RATE: '50', SMTP_CONNECTIONS: String(SMTP_CONNECTIONS) });
      await r.prepare(READERS, 'paused');
      await r.send();
      await sink.waitFor(() => true, THIRD, 180_000);
      await r.post(`/api/campaigns/${r.campaignId}/pause`).expect(200);
      const pausedAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const counted = (await r.campaign()).progress.sent;
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const late = sink.received.filter((m) => m.at > pausedAt + 1_000);
      expect(late.map((m) => `${m.to.join()} ${m.at - pausedAt} ms after the pause`)).toEqual([]);
      const later = await r.campaign();
      expect(later.status).toBe('paused');
      expect(later.progress.sent).toBe(counted);
      expect(counted).toBe(sink.received.length);
      expect(counted).toBeLessThan(READERS);

      await r.post(`/api/campaigns/${r.campaignId}/resume`).expect(200);
      await everyoneOnce(r);
    },
    PROCESS_TEST_TIMEOUT_MS + 240_000,
  );
});

/**
 * The sweepers on their own, called directly in a service booted in this process (real database, Redis and SMTP):
 * what the database says must go out and Redis does not hold gets its job again, once.
 */
describe('the sweepers queue again what Redis lost (service level)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let outbox: OutboxService;
  let db: DataSource;
  let transactional: Queue;
  let campaignQueue: Queue;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url });
    outbox = t.app.get(OutboxService);
    db = t.app.get(DataSource);
    transactional = t.app.get(getQueueToken(QueueName.Transactional));
    campaignQueue = t.app.get(getQueueToken(QueueName.Campaign));
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const mailTo = (email: string) => ({
    kind: 'transactional' as const,
    to: { email },
    template: 'preferences-link',
    data: { subscriber: { email }, preferencesUrl: 'https://x.example/p', validDays: 7 },
  });
  const received = (email: string) => sink.received.filter((m) => m.to.includes(email)).length;
  /** The row as the database holds it: queued, and untouched for longer than a sweep interval. */
  const queuedLongAgo = (id: string) =>
    db.getRepository(Message).update(id, { status: 'queued', updatedAt: new Date(Date.now() - 2 * SWEEP_INTERVAL_MS) });

  it('a queued outbox message whose job is gone gets its job again, and is sent once', async () => {
    const email = `lost-${uniqueTag()}@example.com`;
    // Written, never queued: as if Redis lost its job.
    const id = await db.transaction((m) => outbox.create(mailTo(email), m));
    await queuedLongAgo(id);
    expect(await transactional.getJob(id)).toBeNull();
    await outbox.requeueLost();
    await sink.waitFor((m) => m.to.includes(email));
    await until(async () => (await db.getRepository(Message).findOneBy({ id }))?.status === 'sent', 'sent');
    expect(await outbox.requeueLost()).toBe(0); // sent: nothing more to do
    expect(received(email)).toBe(1);
  });

  it('a completed job kept in Redis under the message id does not swallow the new one', async () => {
    const email = `kept-${uniqueTag()}@example.com`;
    const id = await outbox.send(mailTo(email));
    await sink.waitFor((m) => m.to.includes(email));
    const first = await until(async () => {
      const job = await transactional.getJob(id);
      return job?.finishedOn ? job : null;
    }, 'the job kept completed');
    // The database says it still has to go (what Redis says is not the truth).
    await queuedLongAgo(id);
    await outbox.requeueLost();
    await until(() => received(email) === 2, 'the message sent again');
    const again = await transactional.getJob(id);
    expect(again?.timestamp).toBeGreaterThan(first.timestamp);
  });

  it('two jobs of one message at once (a job queued again while the first runs) send it once', async () => {
    const email = `twice-${uniqueTag()}@example.com`;
    const id = await db.transaction((m) => outbox.create(mailTo(email), m));
    const jobs = await Promise.all(
      [id, `${id}:again`].map((jobId) => transactional.add(JobName.SendMessage, { messageId: id }, { jobId })),
    );
    await until(
      async () => (await Promise.all(jobs.map((j) => transactional.getJob(j.id)))).every((j) => j?.finishedOn),
      'both jobs finished',
    );
    expect(received(email)).toBe(1);
    expect((await db.getRepository(Message).findOneByOrFail({ id })).status).toBe('sent');
  });

  it('a scheduled campaign whose prepare job is gone gets it again and goes out', async () => {
    const editor = await t.tokenFor('editor');
    const list = await makeList(t);
    const emails = [0, 1, 2].map((i) => `scheduled-${i}-${uniqueTag()}@example.com`);
    for (const email of emails) await makeSubscriber(t, { email, lists: { [list.id]: 'confirmed' } });
    const auth = { Authorization: `Bearer ${editor}` };
    const created = await t
      .http()
      .post('/api/campaigns')
      .set(auth)
      .send({
        name: 'Scheduled',
        subject: 'Later',
        listIds: [list.id],
        mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>',
      })
      .expect(201);
    const id: string = created.body.id;
    const sendAt = new Date(Date.now() + 3_000);
    await t.http().post(`/api/campaigns/${id}/send`).set(auth).send({ sendAt: sendAt.toISOString() }).expect(202);
    const job = await campaignQueue.getJob(`prepare:${id}:${sendAt.getTime()}`);
    await job!.remove(); // Redis lost it
    expect(await t.app.get(CampaignSweeper).sweep()).toBeGreaterThanOrEqual(1);
    await until(
      async () => (await t.http().get(`/api/campaigns/${id}`).set(auth).expect(200)).body.status === 'sent',
      'the campaign sent',
    );
    for (const email of emails) expect(received(email)).toBe(1);
  });
});
