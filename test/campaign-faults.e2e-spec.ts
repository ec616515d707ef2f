import { BATCH_SIZE } from '../src/campaigns/campaign-jobs.service';
import { SWEEP_INTERVAL_MS } from '../src/queues/periodic-sweep';
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

/**
 * Faults tried from outside, on a service process left alone afterwards: every reader gets the campaign
 * exactly once (or, where the database loses the record of what SMTP accepted, at most once more per SMTP
 * connection), the campaign ends 'sent' with nothing failed.
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
      expect(duplicates).toBeLessThanOrEqual(SMTP_CONNECTIONS);
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
