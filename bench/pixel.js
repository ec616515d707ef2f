#!/usr/bin/env node
/**
 * Open pixel benchmark (npm run bench:pixel, after a build).
 *
 * 1. starts the built service (node dist/main) on a scratch PostgreSQL database and puts MESSAGES sent
 *    campaign messages in it; signs an open token for each (same APP_SECRET), so every request carries
 *    a valid token, nearly all of them distinct;
 * 2. starts a bare Node `http` server, in a process of its own too, answering the same 43-byte GIF with the
 *    same headers;
 * 3. warms both up, then runs autocannon for DURATION seconds against each, CONNECTIONS connections, one
 *    request at a time per connection, in ROUNDS alternating rounds (bare, service, bare, service…) of
 *    DURATION / ROUNDS seconds: this 2-core machine is shared, and load that comes and goes then weighs on
 *    both sides alike instead of on whichever ran while it lasted; the rates are totals over the rounds;
 * 4. waits for the service to write its buffered opens and compares them, message by message, with the
 *    requests made: every request answered must be recorded exactly once, nothing else may be. A request
 *    still in flight when autocannon closes its connections at the end of a round may or may not have reached the
 *    service; those (at most one per connection and round) are allowed either way and reported.
 * 5. prints req/s and p99 latency of both, their ratio, and the counts.
 *
 * Environment: DATABASE_URL (a database to connect to for CREATE DATABASE; default
 * postgres://postgres@127.0.0.1:5432/test), REDIS_URL (default redis://127.0.0.1:6379), DURATION (s, default 20),
 * ROUNDS (default 4), CONNECTIONS (default 50), MESSAGES (default 400000). Exit code 1 when a goal is missed.
 */
'use strict';
const { fork } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { mkdtempSync, rmSync } = require('node:fs');
const http = require('node:http');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { once } = require('node:events');
const autocannon = require('autocannon');
const { startService, stopService, waitForHealth, withClient, cpuSeconds, freePort, sleep, scratchStores, serviceEnv, runCleanups, report, formatNumber } = require('./support');

const DURATION = Number(process.env.DURATION ?? 20);
const ROUNDS = Number(process.env.ROUNDS ?? 4);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const MESSAGES = Number(process.env.MESSAGES ?? 400_000);
const WARMUP_MESSAGES = 5_000;
const WARMUP_SECONDS = 3;
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const GOALS = { ratio: 0.5 };
const USER_AGENT = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko)';

const log = (...args) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);

if (process.argv[2] === '--bare-server') bareServer();
else
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });

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
  const tag = randomBytes(4).toString('hex');
  const work = mkdtempSync(join(tmpdir(), 'mc-bench-'));
  const appSecret = randomBytes(32).toString('hex');
  const cleanups = [];
  try {
    const { databaseUrl, queuePrefix } = await scratchStores({ baseUrl: BASE_URL, redisUrl: REDIS_URL, tag, cleanups });

    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    const service = startService({
      ...serviceEnv({ port, databaseUrl, redisUrl: REDIS_URL, queuePrefix, work }),
      APP_SECRET: appSecret,
    });
    cleanups.push(() => stopService(service));
    await waitForHealth(api, service);

    log(`creating ${(MESSAGES + WARMUP_MESSAGES).toLocaleString('en')} sent messages and signing their open tokens`);
    const { TokenService } = require('../dist/tokens/token.service');
    const tokens = new TokenService({ appSecret });
    const [warmIds, ids] = await withClient(databaseUrl, async (c) => [await makeMessages(c, WARMUP_MESSAGES), await makeMessages(c, MESSAGES)]);
    const paths = ids.map((m) => `/o/${tokens.sign('open', { m })}`);
    const warmPaths = warmIds.map((m) => `/o/${tokens.sign('open', { m })}`);

    const bare = await startBare();
    cleanups.push(() => bare.stop());
    const bareUrl = `http://127.0.0.1:${bare.port}`;

    log('warming up both');
    await load(bareUrl, cycling(warmPaths), WARMUP_SECONDS);
    await load(api, cycling(warmPaths), WARMUP_SECONDS);
    await sleep(1000);

    const requests = new Int32Array(MESSAGES);
    const answered = new Int32Array(MESSAGES);
    // CPU the service and PostgreSQL used during the service's rounds: where its time goes.
    const cpu = { service: 0, postgres: 0 };
    const bareRounds = [];
    const serviceRounds = [];
    const nextBare = cycling(paths);
    const nextService = cycling(paths, requests);
    for (let round = 1; round <= ROUNDS; round++) {
      log(`round ${round}/${ROUNDS}: bare node:http, then the service, ${DURATION / ROUNDS} s each, ${CONNECTIONS} connections`);
      bareRounds.push(await load(bareUrl, nextBare, DURATION / ROUNDS));
      const before = cpuSeconds(service.pid);
      serviceRounds.push(await load(api, nextService, DURATION / ROUNDS, answered));
      const after = cpuSeconds(service.pid);
      cpu.service += after.service - before.service;
      cpu.postgres += after.postgres - before.postgres;
    }
    const bareRun = overall(bareRounds);
    const serviceRun = overall(serviceRounds);

    log('waiting for the buffered opens to be written');
    const recorded = await withClient(databaseUrl, (c) => settledOpens(c, ids));

    // Message by message: recorded = answered, or answered + 1 when a request to it was cut off in flight.
    let missing = 0;
    let extra = 0;
    let cutOffRecorded = 0;
    for (let i = 0; i < MESSAGES; i++) {
      const got = recorded.get(ids[i]) ?? 0;
      const inFlight = requests[i] - answered[i];
      if (got < answered[i]) missing += answered[i] - got;
      else if (got > answered[i] + inFlight) extra += got - answered[i] - inFlight;
      else cutOffRecorded += got - answered[i];
    }
    const totalAnswered = answered.reduce((a, b) => a + b, 0);
    const totalRequested = requests.reduce((a, b) => a + b, 0);
    const totalRecorded = [...recorded.values()].reduce((a, b) => a + b, 0);
    const cutOff = totalRequested - totalAnswered;
    const ratio = serviceRun.rps / bareRun.rps;
    const checks = [
      [`ratio service/bare req/s >= ${GOALS.ratio}`, ratio >= GOALS.ratio],
      ['every 200 answered by the service is recorded as an open, once', missing === 0],
      ['no open recorded that was not requested', extra === 0],
      ['no errors, timeouts or non-200 answers', serviceRun.errors === 0 && serviceRun.non2xx === 0 && bareRun.errors === 0],
    ];
    const f = formatNumber;
    report(
      [
        `GET /o/:token, ${DURATION} s each in ${ROUNDS} alternating rounds, ${CONNECTIONS} connections, valid tokens (${f(MESSAGES)} distinct messages)`,
        `bare node:http             ${f(bareRun.rps)} req/s   p99 ${f(bareRun.p99, 2)} ms   p50 ${f(bareRun.p50, 2)} ms   (worst round's p99 and p50)`,
        `service                    ${f(serviceRun.rps)} req/s   p99 ${f(serviceRun.p99, 2)} ms   p50 ${f(serviceRun.p50, 2)} ms`,
        `CPU per request            service ${f((cpu.service / serviceRun.requests) * 1e6, 1)} µs, local PostgreSQL ${f((cpu.postgres / serviceRun.requests) * 1e6, 1)} µs (during its rounds)`,
        `ratio service/bare         ${f(ratio, 3)}   (per round: ${serviceRounds.map((r, i) => f(r.rps / bareRounds[i].rps, 3)).join(', ')})`,
        `valid requests made        ${f(totalRequested)} (answered 200: ${f(totalAnswered)}; cut off in flight as a round ended: ${f(cutOff)})`,
        `opens recorded             ${f(totalRecorded)} (= answered ${f(totalAnswered)} + ${f(cutOffRecorded)} of the cut-off ones, which had reached the service)`,
        `missing / unexpected       ${f(missing)} / ${f(extra)}`,
      ],
      checks,
    );
  } finally {
    await runCleanups(cleanups, log);
    rmSync(work, { recursive: true, force: true });
  }
}

/** n sent campaign messages (no campaign row needed for opens); their ids in order. */
async function makeMessages(c, n) {
  const { rows } = await c.query(
    `INSERT INTO messages (stream, to_email, template, status, sent_at)
     SELECT 'campaign', 'reader-' || g || '@bench.example', 'campaign', 'sent', now() - interval '1 day'
     FROM generate_series(1, $1::int) g RETURNING id`,
    [n],
  );
  return rows.map((r) => r.id);
}

/** Paths in turn, one per request; `counts` (if given) counts the requests made per path index. */
function cycling(paths, counts) {
  let next = 0;
  return (context) => {
    const i = next++ % paths.length;
    context.index = i;
    if (counts) counts[i]++;
    return paths[i];
  };
}

/** One autocannon run; `answered` (if given) counts the 200 answers per path index. */
function load(url, nextPath, seconds, answered) {
  return new Promise((resolvePromise, reject) => {
    autocannon(
      {
        url,
        connections: CONNECTIONS,
        pipelining: 1,
        duration: seconds,
        headers: { 'user-agent': USER_AGENT },
        requests: [
          {
            method: 'GET',
            setupRequest: (req, context) => ({ ...req, path: nextPath(context) }),
            onResponse: (status, _body, context) => {
              if (answered && status === 200) answered[context.index]++;
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        resolvePromise({
          requests: result.requests.total,
          seconds: result.duration,
          rps: result.requests.total / result.duration,
          p50: result.latency.p50,
          p99: result.latency.p99,
          errors: result.errors + result.timeouts,
          non2xx: result.non2xx,
        });
      },
    );
  });
}

/** Several rounds as one: requests over seconds, the worst round's latencies, every error. */
function overall(rounds) {
  const sum = (key) => rounds.reduce((total, r) => total + r[key], 0);
  return {
    requests: sum('requests'),
    rps: sum('requests') / sum('seconds'),
    p50: Math.max(...rounds.map((r) => r.p50)),
    p99: Math.max(...rounds.map((r) => r.p99)),
    errors: sum('errors'),
    non2xx: sum('non2xx'),
  };
}

/** Opens per message once the service has written everything (the count stops moving). */
async function settledOpens(c, ids) {
  let last = -1;
  for (let stable = 0; stable < 4; ) {
    await sleep(500);
    const { rows } = await c.query(`SELECT count(*)::int AS n FROM message_events WHERE type = 'opened'`);
    stable = rows[0].n === last ? stable + 1 : 0;
    last = rows[0].n;
  }
  const { rows } = await c.query(`SELECT message_id, count(*)::int AS n FROM message_events WHERE type = 'opened' AND message_id = ANY($1::uuid[]) GROUP BY message_id`, [ids]);
  return new Map(rows.map((r) => [r.message_id, r.n]));
}

async function startBare() {
  const child = fork(__filename, ['--bare-server'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [{ port }] = await once(child, 'message');
  return {
    port,
    stop: async () => {
      child.send('stop');
      await once(child, 'exit');
    },
  };
}

