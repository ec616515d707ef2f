#!/usr/bin/env node
/**
 * Open pixel benchmark (npm run bench:pixel, after a build): GET /o/:token against a bare node:http server.
 *
 * Kept honest so that the figure measures the service, not the harness:
 * - three processes besides the bench: the service (node dist/main, as `npm start` runs it), the baseline (a bare
 *   node:http server answering the same 43-byte GIF with the same headers) and the load generator
 *   (bench/load-generator.js: autocannon with pre-built requests, no callback per request). The bench itself only
 *   plans and counts between rounds;
 * - the baseline's rate is the generator's own ceiling: the most it drove with nothing else to wait for. Beside it
 *   the bench prints the generator's CPU busy fraction and CPU per request, and the service's, the baseline's and
 *   PostgreSQL's CPU per request: on a shared machine, rates move with the load, CPU per request much less;
 * - alternating rounds (bare, service, bare, service…) of the same length with the same request bytes, so that
 *   load that comes and goes weighs on both; a ratio per round;
 * - valid tokens of sent messages, each to a subscriber with tracking on as campaign mail is (so each open's write
 *   checks the person and notes their last human open), one in four opened with Apple Mail Privacy Protection's
 *   user agent (flagged `machine`), first opens and repeated opens of messages opened before (REPEAT_SHARE);
 * - at the end every open is accounted for, message by message, against the requests made: each request answered
 *   recorded exactly once, none that was not requested, the machine flag right. A request still unanswered when
 *   autocannon closes its connection at the end of a round may or may not have reached the service; those (at
 *   most one per connection and round) are allowed either way and reported;
 * - the order API (POST /api/orders/events) timed idle and during a burst of opens at the service's full rate:
 *   the pixel shares its process with the API.
 *
 * Environment: DB (postgres | sqlite; default postgres), DATABASE_URL (PostgreSQL to create the scratch database
 * from; default postgres://postgres@127.0.0.1:5432/test), REDIS_URL (default redis://127.0.0.1:6379), ROUNDS
 * (default 4), ROUND_SECONDS (default 5), BURST_SECONDS (default 10), CONNECTIONS (default 50), REPEAT_SHARE
 * (default 0.4), SERVICE_NODE_ARGS (e.g. '--cpu-prof --cpu-prof-dir=DIR'; the service rounds' window is printed for
 * bench/cpuprofile-top.js). Exit code 1 when a goal is missed.
 */
'use strict';
const { fork } = require('node:child_process');
const { randomBytes, randomUUID } = require('node:crypto');
const { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const http = require('node:http');
const { tmpdir, loadavg } = require('node:os');
const { join } = require('node:path');
const { once } = require('node:events');
const {
  ROOT,
  startService,
  stopService,
  waitForHealth,
  withClient,
  cpuSeconds,
  cpuSecondsOf,
  freePort,
  sleep,
  scratchStores,
  serviceEnv,
  runCleanups,
  report,
  formatNumber,
  call,
} = require('./support');

const DB = process.env.DB ?? 'postgres';
const ROUNDS = Number(process.env.ROUNDS ?? 4);
const ROUND_SECONDS = Number(process.env.ROUND_SECONDS ?? 5);
const BURST_SECONDS = Number(process.env.BURST_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const REPEAT_SHARE = Number(process.env.REPEAT_SHARE ?? 0.4);
const WARMUP_MESSAGES = 5_000;
const WARMUP_SECONDS = 3;
const ORDER_EVERY_MS = 200;
const IDLE_ORDERS = 40;
const IDLE_SECONDS = 5;
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const GOALS = { ratio: 0.5, latencyFactor: 3 };
const ADMIN = { email: 'bench-admin@example.com', password: 'bench admin password' };
const ORDER = JSON.parse(readFileSync(join(ROOT, 'templates', 'order-placed.json'), 'utf8')).sample.order;
/** Message i is opened with AGENTS[i % 4]: Apple Mail Privacy Protection's bare user agent for one in four. */
const APPLE_MPP = 'Mozilla/5.0';
const DESKTOP = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko)';
const AGENTS = [APPLE_MPP, DESKTOP, DESKTOP, DESKTOP];
const machineMessage = (i) => i % AGENTS.length === 0;

const log = (...args) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);
const f = formatNumber;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

if (process.argv[2] === '--bare-server') bareServer();
else
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });

/** The errors of `runs` by kind (an error code or message) and how many of each. */
function errorKinds(runs) {
  const kinds = {};
  for (const run of runs) for (const [kind, n] of Object.entries(run.errorKinds ?? {})) kinds[kind] = (kinds[kind] ?? 0) + n;
  return kinds;
}

/** The baseline: node:http answering the same bytes with the same headers, nothing else. */
function bareServer() {
  const { PIXEL_GIF, PIXEL_HEADERS } = require('../dist/tracking/pixel');
  const server = http.createServer((req, res) => {
    res.writeHead(200, PIXEL_HEADERS);
    res.end(PIXEL_GIF);
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('message', (msg) => msg === 'stop' && server.close(() => process.exit(0)));
}

async function main() {
  if (DB !== 'postgres' && DB !== 'sqlite') throw new Error(`DB must be postgres or sqlite, not ${DB}`);
  const tag = randomBytes(4).toString('hex');
  const work = mkdtempSync(join(tmpdir(), 'mc-bench-'));
  const appSecret = randomBytes(32).toString('hex');
  const cleanups = [];
  const loadAtStart = load();
  try {
    const stores =
      DB === 'postgres'
        ? await scratchStores({ baseUrl: BASE_URL, redisUrl: REDIS_URL, tag, cleanups })
        : { queuePrefix: `mcbench-${tag}` };
    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    const env = {
      ...serviceEnv({
        port,
        databaseUrl: stores.databaseUrl,
        redisUrl: REDIS_URL,
        queuePrefix: stores.queuePrefix,
        work,
      }),
      APP_SECRET: appSecret,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    };
    if (DB === 'sqlite') delete env.DATABASE_URL;
    const service = startService(env);
    cleanups.push(() => stopService(service));
    await waitForHealth(api, service);
    const db =
      DB === 'postgres' ? await postgresStore(stores.databaseUrl) : sqliteStore(join(work, 'data', 'app.sqlite'));
    cleanups.push(() => db.close());

    const bare = await startChild([__filename, '--bare-server']);
    cleanups.push(() => bare.stop());
    const bareUrl = `http://127.0.0.1:${bare.port}`;
    const generator = await startGenerator();
    cleanups.push(() => generator.stop());

    const { TokenService } = require('../dist/tokens/token.service');
    const tokens = new TokenService({ appSecret });
    const ids = []; // message i: ids[i], its open token's path is the generator's path i
    const addMessages = async (n) => {
      const made = await db.makeMessages(n);
      const file = join(work, `paths-${ids.length}.txt`);
      writeFileSync(file, made.map((m) => `/o/${tokens.sign('open', { m })}\n`).join(''));
      for (const id of made) ids.push(id); // not push(...made): a million arguments overflow the stack
      await generator.loadPaths(file);
    };

    log(
      `${DB}: warming up both with ${f(WARMUP_MESSAGES)} messages, ${WARMUP_SECONDS} s each (load average ${load()})`,
    );
    await addMessages(WARMUP_MESSAGES);
    const plan = new Plan();
    const warmLists = plan.lists(Math.ceil(WARMUP_MESSAGES / CONNECTIONS), ids.length);
    const warmBare = await generator.run(bareUrl, WARMUP_SECONDS, warmLists);
    const warm = await generator.run(api, WARMUP_SECONDS, warmLists);
    plan.count(warmLists, warm);

    // Lists long enough that a connection does not come round to its first entry within a round, were the
    // service 3 times as fast as the faster side of the warm-up (a wrap is still counted right, but makes more
    // repeat opens than REPEAT_SHARE, and repeats cost less).
    const warmRate = Math.max(warm.answered / warm.seconds, warmBare.answered / warmBare.seconds);
    const perConnection = Math.max(200, Math.ceil((3 * warmRate * (ROUND_SECONDS + 1)) / CONNECTIONS));
    const messages = Math.ceil(perConnection * CONNECTIONS * (ROUNDS + 1) * (1 - REPEAT_SHARE));
    log(
      `creating ${f(messages)} sent messages and signing their open tokens (${f(perConnection)} requests planned per connection and round)`,
    );
    await addMessages(messages);

    // What the service uses with nothing to answer (queues polling Redis, timers): at a low rate of opens, a
    // share of its CPU per open; printed so that it can be told apart.
    const idleFrom = cpuSeconds(service.pid).service;
    await sleep(IDLE_SECONDS * 1000);
    const idleCpu = (cpuSeconds(service.pid).service - idleFrom) / IDLE_SECONDS;

    const token = (await call(api, 'POST', '/api/auth/login', { json: ADMIN })).accessToken;
    const key = (
      await call(api, 'POST', '/api/api-keys', { token, json: { name: 'bench', scopes: ['transactional:send'] } })
    ).key;
    log(`order API idle: ${IDLE_ORDERS} order events, one every ${ORDER_EVERY_MS} ms`);
    const idleLatencies = await orderLatencies(api, key, 'idle', () => IDLE_ORDERS);

    const rounds = [];
    let window = null;
    for (let round = 1; round <= ROUNDS; round++) {
      log(
        `round ${round}/${ROUNDS}: bare node:http, then the service, ${ROUND_SECONDS} s each, ${CONNECTIONS} connections (load average ${load()})`,
      );
      const lists = plan.lists(perConnection, ids.length);
      const bareCpu = cpuSeconds(bare.pid).service;
      const bareRun = await generator.run(bareUrl, ROUND_SECONDS, lists);
      bareRun.serverCpu = cpuSeconds(bare.pid).service - bareCpu;
      const before = cpuSeconds(service.pid);
      const backendsBefore = db.backendCpu();
      const from = process.hrtime.bigint() / 1000n;
      const serviceRun = await generator.run(api, ROUND_SECONDS, lists);
      window = [window?.[0] ?? from, process.hrtime.bigint() / 1000n];
      const after = cpuSeconds(service.pid);
      serviceRun.serverCpu = after.service - before.service;
      serviceRun.mainThreadCpu = after.mainThread - before.mainThread;
      serviceRun.postgresCpu = db.backendCpu(backendsBefore);
      plan.count(lists, serviceRun);
      rounds.push({ bare: bareRun, service: serviceRun });
    }

    log(`burst: the service alone at full rate for ${BURST_SECONDS} s while order events are posted`);
    const burstLists = plan.lists(perConnection, ids.length);
    const burstRun = generator.run(api, BURST_SECONDS, burstLists);
    const burstLatencies = await orderLatencies(api, key, 'burst', () => (generator.running ? Infinity : 0));
    const burst = await burstRun;
    plan.count(burstLists, burst);

    log('waiting for the buffered opens to be written');
    const recorded = await db.settledOpens();
    const check = account(plan, ids, recorded);

    const sum = (runs, key) => runs.reduce((t, r) => t + r[key], 0);
    const bareRuns = rounds.map((r) => r.bare);
    const serviceRuns = rounds.map((r) => r.service);
    const rate = (runs) => sum(runs, 'answered') / sum(runs, 'seconds');
    const perRequest = (runs, key) => (sum(runs, key) / sum(runs, 'answered')) * 1e6;
    const busy = (runs) => sum(runs, 'cpuSeconds') / sum(runs, 'seconds');
    const ratio = rate(serviceRuns) / rate(bareRuns);
    const worst = (runs, key) => Math.max(...runs.map((r) => r[key]));
    const idleP = percentiles(idleLatencies);
    const burstP = percentiles(burstLatencies);
    const allRuns = [...bareRuns, ...serviceRuns, burst, warm];
    report(
      [
        `GET /o/:token on ${DB}, ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s, ${CONNECTIONS} connections, valid tokens of ${f(ids.length)} sent messages`,
        `load average (1, 5, 15 min)  at start ${loadAtStart}; at the end ${load()}`,
        `bare node:http            ${f(rate(bareRuns)).padStart(7)} req/s   p50 ${f(worst(bareRuns, 'p50'), 1)} ms   p99 ${f(worst(bareRuns, 'p99'), 1)} ms (worst round)   CPU ${f(perRequest(bareRuns, 'serverCpu'), 1)} µs per request`,
        `service                   ${f(rate(serviceRuns)).padStart(7)} req/s   p50 ${f(worst(serviceRuns, 'p50'), 1)} ms   p99 ${f(worst(serviceRuns, 'p99'), 1)} ms (worst round)   CPU ${f(perRequest(serviceRuns, 'serverCpu'), 1)} µs per open (main thread ${f(perRequest(serviceRuns, 'mainThreadCpu'), 1)})` +
          (DB === 'postgres' ? ` + PostgreSQL ${f(perRequest(serviceRuns, 'postgresCpu'), 1)} µs (its backends)` : ''),
        `service idle              ${f(idleCpu * 1000, 1)} ms of CPU a second with nothing to answer (${f((idleCpu / rate(serviceRuns)) * 1e6, 1)} µs per open at its rate)`,
        `ratio service/bare        ${f(ratio, 3)}   per round: ${rounds.map((r) => f(r.service.answered / r.service.seconds / (r.bare.answered / r.bare.seconds), 3)).join(', ')}`,
        `per round, req/s          bare ${bareRuns.map((r) => f(r.answered / r.seconds)).join(', ')}; service ${serviceRuns.map((r) => f(r.answered / r.seconds)).join(', ')}`,
        `load generator            ceiling ${f(rate(bareRuns))} req/s (the bare server's rate); busy ${f(busy(bareRuns), 2)} core in the bare rounds, ${f(busy(serviceRuns), 2)} in the service's; ` +
          `CPU ${f(perRequest(bareRuns, 'cpuSeconds'), 1)} µs per request`,
        `service rounds, monotonic µs ${window[0]} .. ${window[1]} (node bench/cpuprofile-top.js PROFILE FROM TO)`,
        `burst (service alone)     ${f(burst.answered / burst.seconds)} req/s for ${f(burst.seconds, 1)} s`,
        `order API, idle           p50 ${f(idleP.p50)} ms   p95 ${f(idleP.p95)} ms   (${idleLatencies.length} order events)`,
        `order API, burst          p50 ${f(burstP.p50)} ms   p95 ${f(burstP.p95)} ms   (${burstLatencies.length} order events)`,
        `requests to the service   ${f(check.requested)} (answered 200: ${f(check.answered)}, to ${f(check.distinct)} messages, ${f(check.repeats)} of them repeat opens; cut off unanswered at a round's end: ${f(check.requested - check.answered)})`,
        `opens recorded            ${f(check.recorded)} (= answered + ${f(check.cutOffRecorded)} of the cut-off ones, which had reached the service); machine-flagged ${f(check.machine)}`,
        `missing / unexpected      ${f(check.missing)} / ${f(check.extra)}; wrong machine flag ${f(check.wrongFlag)}`,
        // which run a failed "no errors" check comes from (autocannon's errors include its timeouts)
        `errors / non-200          warm-up ${warm.errors}/${warm.non2xx}; bare ${bareRuns.map((r) => `${r.errors}/${r.non2xx}`).join(', ')}; ` +
          `service ${serviceRuns.map((r) => `${r.errors}/${r.non2xx}`).join(', ')}; burst ${burst.errors}/${burst.non2xx}` +
          (allRuns.some((r) => r.errors) ? `; kinds ${JSON.stringify(errorKinds(allRuns))}` : ''),
      ],
      [
        [`ratio service/bare req/s >= ${GOALS.ratio}`, ratio >= GOALS.ratio],
        ['every open answered by the service is recorded, once', check.missing === 0],
        ['no open recorded that was not requested', check.extra === 0],
        ["Apple Mail Privacy Protection's opens flagged machine, the others not", check.wrongFlag === 0],
        ['no errors, timeouts or non-200 answers', allRuns.every((r) => r.errors === 0 && r.non2xx === 0)],
        [
          `order API p95 during the burst <= ${GOALS.latencyFactor} x idle p95`,
          burstP.p95 <= GOALS.latencyFactor * idleP.p95,
        ],
      ],
    );
  } finally {
    await runCleanups(cleanups, log);
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Which messages each connection opens, round after round: a fresh message, or (REPEAT_SHARE of the time) one
 * planned before; and, once a round ran, what was requested and answered per message.
 */
class Plan {
  constructor() {
    this.next = 0; // messages 0..next-1 have been planned
    this.seed = 12345;
    this.requested = new Map();
    this.answered = new Map();
  }

  random() {
    this.seed = (Math.imul(this.seed, 1103515245) + 12345) >>> 0;
    return this.seed / 2 ** 32;
  }

  lists(perConnection, messages) {
    return Array.from({ length: CONNECTIONS }, () =>
      Array.from({ length: perConnection }, () => {
        if (this.next > 0 && (this.next >= messages || this.random() < REPEAT_SHARE))
          return Math.floor(this.random() * this.next);
        return this.next++;
      }),
    );
  }

  /** Connection c answered the first made - inFlight entries of its list (wrapping round); the one after may have reached the server. */
  count(lists, run) {
    const add = (map, i) => map.set(i, (map.get(i) ?? 0) + 1);
    run.connections.forEach(({ made, inFlight }, c) => {
      const list = lists[c];
      for (let k = 0; k < made; k++) {
        add(this.requested, list[k % list.length]);
        if (k < made - inFlight) add(this.answered, list[k % list.length]);
      }
    });
  }
}

/** Message by message: recorded between answered and requested, with the right machine flag. */
function account(plan, ids, recorded) {
  const out = {
    requested: 0,
    answered: 0,
    distinct: 0,
    repeats: 0,
    recorded: 0,
    machine: 0,
    missing: 0,
    extra: 0,
    cutOffRecorded: 0,
    wrongFlag: 0,
  };
  const index = new Map(ids.map((id, i) => [id, i]));
  for (const [id, got] of recorded) {
    if (!index.has(id)) out.extra += got.n; // not a message of the bench
    out.recorded += got.n;
    out.machine += got.machine;
  }
  for (const [i, requested] of plan.requested) {
    const answered = plan.answered.get(i) ?? 0;
    const got = recorded.get(ids[i]) ?? { n: 0, machine: 0 };
    out.requested += requested;
    out.answered += answered;
    if (answered) out.distinct++;
    out.repeats += Math.max(0, answered - 1);
    if (got.n < answered) out.missing += answered - got.n;
    else if (got.n > requested) out.extra += got.n - requested;
    else out.cutOffRecorded += got.n - answered;
    if (got.machine !== (machineMessage(i) ? got.n : 0)) out.wrongFlag++;
  }
  for (const [id, got] of recorded) if (index.has(id) && !plan.requested.has(index.get(id))) out.extra += got.n;
  return out;
}

/** Order events posted one after another, ORDER_EVERY_MS apart, while `more()` says so; their latencies (ms). */
async function orderLatencies(api, key, label, more) {
  const latencies = [];
  for (let i = 0; i < more(); i++) {
    const email = `order-${label}-${i}@bench.example`;
    const started = process.hrtime.bigint();
    await call(api, 'POST', '/api/orders/events', {
      token: key,
      json: {
        orderId: `B-${label}-${i}-${randomUUID().slice(0, 8)}`,
        status: 'placed',
        customer: { email, name: 'Ada' },
        order: ORDER,
      },
    });
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    await sleep(ORDER_EVERY_MS);
  }
  return latencies;
}

function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  return { p50: at(50), p95: at(95) };
}

/** The scratch PostgreSQL database: sent campaign messages (no campaign row needed for opens), opens per message. */
async function postgresStore(url) {
  const { Client } = require('pg');
  const c = new Client({ connectionString: url });
  await c.connect();
  return {
    makeMessages: async (n) => {
      const ids = (
        await c.query(
          `WITH people AS (
             INSERT INTO subscribers (email, email_key, attributes)
             SELECT 'reader-' || g || '-' || $2 || '@bench.example', 'reader-' || g || '-' || $2 || '@bench.example', '{}'
             FROM generate_series(1, $1::int) g RETURNING id, email)
           INSERT INTO messages (stream, kind, subscriber_id, to_email, template, status, sent_at)
           SELECT 'campaign', 'campaign', id, email, 'campaign', 'sent', now() - interval '1 day' FROM people RETURNING id`,
          [n, randomUUID()],
        )
      ).rows.map((r) => r.id);
      // As the service does after a campaign adds its rows (MessageRepository.refreshStatistics): without it, a
      // statement the service prepared while the tables were small keeps a plan made for small tables.
      await c.query('ANALYZE messages, subscribers');
      return ids;
    },
    backendCpu: (since) => backendCpu(new URL(url).pathname.slice(1), since),
    settledOpens: () =>
      settled(
        async () => (await c.query(`SELECT count(*)::int AS n FROM message_events WHERE type = 'opened'`)).rows[0].n,
        async () =>
          (
            await c.query(
              `SELECT message_id, count(*)::int AS n, count(*) FILTER (WHERE (detail->>'machine')::boolean)::int AS machine
               FROM message_events WHERE type = 'opened' GROUP BY message_id`,
            )
          ).rows,
      ),
    close: () => c.end(),
  };
}

/**
 * CPU seconds of the PostgreSQL backends serving `database` (their process title names it; WAL writer and
 * checkpointer, shared by every database, left out): per pid, or with `since` the total used since then (a backend
 * started in between counts whole, one that ended in between is missed).
 */
function backendCpu(database, since) {
  const now = new Map();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${database} `)) now.set(pid, cpuSecondsOf([pid]));
    } catch {
      // ended
    }
  }
  if (!since) return now;
  let used = 0;
  for (const [pid, seconds] of now) used += seconds - (since.get(pid) ?? 0);
  return used;
}

/** The service's SQLite file (WAL: read and written beside the service). */
function sqliteStore(file) {
  const Database = require('better-sqlite3');
  const db = new Database(file);
  db.pragma('busy_timeout = 10000');
  const person = db.prepare(`INSERT INTO subscribers (id, email, email_key, attributes) VALUES (?, ?, ?, '{}')`);
  const insert = db.prepare(
    `INSERT INTO messages (id, stream, kind, subscriber_id, to_email, template, status, sent_at) VALUES (?, 'campaign', 'campaign', ?, ?, 'campaign', 'sent', ?)`,
  );
  return {
    backendCpu: () => 0,
    makeMessages: async (n) => {
      const sentAt = new Date(Date.now() - 86_400_000).toISOString().replace('T', ' ').slice(0, 23);
      const ids = Array.from({ length: n }, () => randomUUID());
      db.transaction(() =>
        ids.forEach((id) => {
          const subscriberId = randomUUID();
          const email = `reader-${subscriberId}@bench.example`;
          person.run(subscriberId, email, email);
          insert.run(id, subscriberId, email, sentAt);
        }),
      )();
      return ids;
    },
    settledOpens: () =>
      settled(
        async () => db.prepare(`SELECT count(*) AS n FROM message_events WHERE type = 'opened'`).get().n,
        async () =>
          db
            .prepare(
              `SELECT message_id, count(*) AS n, sum(json_extract(detail, '$.machine')) AS machine FROM message_events WHERE type = 'opened' GROUP BY message_id`,
            )
            .all(),
      ),
    close: async () => db.close(),
  };
}

/** Opens per message ({n, machine}) once the service has written everything (the count stopped moving). */
async function settled(count, rows) {
  let last = -1;
  for (let stable = 0; stable < 4;) {
    await sleep(500);
    const n = await count();
    stable = n === last ? stable + 1 : 0;
    last = n;
  }
  return new Map((await rows()).map((r) => [r.message_id, { n: Number(r.n), machine: Number(r.machine) }]));
}

async function startChild(args) {
  const child = fork(args[0], args.slice(1), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [{ port }] = await once(child, 'message');
  return {
    port,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.send('stop');
      await once(child, 'exit');
    },
  };
}

/** bench/load-generator.js in its own process; `run` resolves with its result for one round. */
async function startGenerator() {
  const child = fork(join(__dirname, 'load-generator.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await once(child, 'message');
  const reply = async (type) => {
    const [msg] = await once(child, 'message');
    if (msg.type === 'error') throw new Error(`load generator: ${msg.message}`);
    if (msg.type !== type) throw new Error(`load generator answered ${msg.type}, not ${type}`);
    return msg;
  };
  const generator = {
    running: false,
    loadPaths: async (file) => {
      child.send({ type: 'paths', file });
      await reply('loaded');
    },
    run: async (url, seconds, lists) => {
      generator.running = true;
      child.send({ type: 'run', url, seconds, lists, agents: AGENTS });
      try {
        return await reply('result');
      } finally {
        generator.running = false;
      }
    },
    stop: async () => {
      child.send({ type: 'stop' });
      await once(child, 'exit');
    },
  };
  return generator;
}
