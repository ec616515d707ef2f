#!/usr/bin/env node
/**
 * Automations benchmark (npm run bench:automations: builds, then runs on PostgreSQL), the goals of issue 16:
 *
 * 1. A burst of 10,000 subscription confirmations (POST /confirm/:token, 50 at once) into a list with a welcome
 *    series: every person gets step one exactly once, counted at the SMTP sink per address (bench/smtp-sink.js
 *    counts by the local part before its first '-': these addresses have none, so per address), and the message
 *    log holds 10,000 step-one messages, no more. Step two (48 h later) must not go.
 * 2. The order API (POST /api/orders/events, one at a time) with and without an active `order.placed`
 *    automation, in alternating rounds on the same service: p50 / p95 of each, CPU per request. Goal: the
 *    automation adds at most 10 ms to the p95. Every customer is a subscriber of the automation's list, so each
 *    event enrols (the most work the trigger does).
 *
 * Environment: DATABASE_URL (a database to connect to for CREATE DATABASE; default
 * postgres://postgres@127.0.0.1:5432/test), REDIS_URL (default redis://127.0.0.1:6379), CONFIRMATIONS (10000),
 * ORDERS (per phase, default 1000), ROUNDS (4). Prints the machine's load (uptime) beside the figures.
 */
'use strict';
const { fork } = require('node:child_process');
const { randomBytes, randomUUID } = require('node:crypto');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { loadavg, tmpdir } = require('node:os');
const { join } = require('node:path');
const { once } = require('node:events');
const { ROOT, sleep, startService, stopService, waitForHealth, call, withClient, cpuSeconds, freePort, scratchStores, serviceEnv, runCleanups, report, formatNumber } = require('./support');

const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONFIRMATIONS = Number(process.env.CONFIRMATIONS ?? 10_000);
const ORDERS = Number(process.env.ORDERS ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 4);
const BURST = 50;
const GOALS = { addedP95Ms: 10 };
const ADMIN = { email: 'bench@example.com', password: 'bench password 123' };
const ORDER = JSON.parse(readFileSync(join(ROOT, 'templates', 'order-placed.json'), 'utf8')).sample.order;
const MJML = (text) => `<mjml><mj-body><mj-section><mj-column><mj-text>${text}, {{subscriber.name}}</mj-text></mj-column></mj-section></mj-body></mjml>`;

const log = (...args) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);

async function main() {
  const tag = randomBytes(4).toString('hex');
  const work = mkdtempSync(join(tmpdir(), 'mc-bench-'));
  const cleanups = [() => Promise.resolve(rmSync(work, { recursive: true, force: true }))];
  try {
    const sink = await countingSink();
    cleanups.push(() => sink.stop());
    const { databaseUrl, queuePrefix } = await scratchStores({ baseUrl: BASE_URL, redisUrl: REDIS_URL, tag, cleanups });
    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    const appSecret = randomBytes(32).toString('hex');
    const service = startService({
      ...serviceEnv({ port, databaseUrl, redisUrl: REDIS_URL, queuePrefix, work }),
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      APP_SECRET: appSecret,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    });
    cleanups.push(() => stopService(service));
    await waitForHealth(api, service);
    const token = (await call(api, 'POST', '/api/auth/login', { json: ADMIN })).accessToken;
    const key = (await call(api, 'POST', '/api/api-keys', { token, json: { name: 'bench', scopes: ['transactional:send'] } })).key;

    // --- 1. the confirmation burst
    const welcomeList = await call(api, 'POST', '/api/lists', { token, json: { name: 'Welcome', optIn: 'double' } });
    await call(api, 'POST', '/api/automations', {
      token,
      json: {
        name: 'Welcome series',
        trigger: { event: 'subscription.confirmed', listIds: [welcomeList.id] },
        steps: [
          { delayHours: 0, subject: 'Welcome', mjml: MJML('Welcome') },
          { delayHours: 48, subject: 'Two days in', mjml: MJML('Tips') },
        ],
      },
    });
    log(`writing ${formatNumber(CONFIRMATIONS)} unconfirmed sign-ups`);
    const people = await withClient(databaseUrl, (c) => subscribers(c, 'w', CONFIRMATIONS, welcomeList.id, 'unconfirmed'));
    const { TokenService } = require('../dist/tokens/token.service');
    const tokens = new TokenService({ appSecret });
    const links = people.map((p) => `/confirm/${tokens.sign('confirm', { s: p.id, l: [welcomeList.id], t: Date.now() }, 7 * 24 * 3600)}`);

    log(`the burst: ${formatNumber(CONFIRMATIONS)} confirmations, ${BURST} at once`);
    const cpuBefore = cpuSeconds(service.pid);
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: BURST }, async () => {
        while (next < links.length) {
          const res = await fetch(`${api}${links[next++]}`, { method: 'POST' });
          if (res.status >= 400) throw new Error(`a confirmation answered ${res.status}`);
          await res.arrayBuffer();
        }
      }),
    );
    const confirmedIn = (Date.now() - started) / 1000;
    let counts = await sink.counts();
    while (welcomeCount(counts) < CONFIRMATIONS && Date.now() - started < 15 * 60_000) {
      await sleep(500);
      counts = await sink.counts();
    }
    const deliveredIn = (Date.now() - started) / 1000;
    const burstCpu = cpuSeconds(service.pid);
    // Two sweep intervals (20 s each) more: a second send of anything would arrive by then.
    log('waiting two sweep intervals for any second send');
    await sleep(45_000);
    counts = await sink.counts();
    const perAddress = people.map((p) => counts.byPrefix[p.email.split('@')[0]] ?? 0);
    const once_ = perAddress.filter((n) => n === 1).length;
    const twice = perAddress.filter((n) => n > 1).length;
    const none = perAddress.filter((n) => n === 0).length;
    const logged = await withClient(databaseUrl, async (c) => (await c.query(`SELECT count(*)::int AS n, count(DISTINCT subscriber_id)::int AS people FROM messages WHERE kind = 'automation'`)).rows[0]);

    // --- 2. the order API with and without an order-triggered automation
    const customersList = await call(api, 'POST', '/api/lists', { token, json: { name: 'Customers', optIn: 'single' } });
    const customers = await withClient(databaseUrl, (c) => subscribers(c, 'c', ORDERS * ROUNDS, customersList.id, 'confirmed'));
    const placed = await call(api, 'POST', '/api/automations', {
      token,
      json: { name: 'Thanks for your order', trigger: { event: 'order.placed', listIds: [customersList.id] }, steps: [{ delayHours: 24, subject: 'Thanks', mjml: MJML('Thanks') }], status: 'paused' },
    });
    const phases = { without: [], with: [] };
    const cpu = { without: 0, with: 0 };
    let customer = 0;
    log('warming up the order API');
    for (let i = 0; i < 100; i++) await orderEvent(api, key, `warm-${i}`, `warm${i}@bench.example`);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const phase of round % 2 ? ['without', 'with'] : ['with', 'without']) {
        await call(api, 'PATCH', `/api/automations/${placed.id}`, { token, json: { status: phase === 'with' ? 'active' : 'paused' } });
        log(`round ${round}/${ROUNDS}: ${ORDERS / 2} order events ${phase} the automation`);
        const before = cpuSeconds(service.pid);
        for (let i = 0; i < ORDERS / 2; i++) {
          const c = customers[customer++];
          const t0 = process.hrtime.bigint();
          await orderEvent(api, key, `${phase}-${round}-${i}`, c.email);
          phases[phase].push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
        cpu[phase] += cpuSeconds(service.pid).service - before.service;
      }
    }
    const enrolled = await withClient(databaseUrl, async (c) => (await c.query('SELECT count(*)::int AS n FROM automation_enrolments WHERE automation_id = $1', [placed.id])).rows[0].n);
    const w = percentiles(phases.without);
    const a = percentiles(phases.with);
    const load = loadavg().map((x) => x.toFixed(2)).join(' ');
    report(
      [
        `load average (1, 5, 15 min) at the end: ${load}`,
        `confirmation burst: ${formatNumber(CONFIRMATIONS)} POST /confirm in ${confirmedIn.toFixed(1)} s; every step one at the sink after ${deliveredIn.toFixed(1)} s`,
        `  service CPU ${(burstCpu.service - cpuBefore.service).toFixed(1)} s (${(((burstCpu.service - cpuBefore.service) / CONFIRMATIONS) * 1000).toFixed(2)} ms per person), PostgreSQL CPU ${(burstCpu.postgres - cpuBefore.postgres).toFixed(1)} s`,
        `  at the sink, per address: ${formatNumber(once_)} exactly once, ${formatNumber(twice)} more than once, ${formatNumber(none)} none; step-two mails: ${counts.total - welcomeCount(counts) - customersMail(counts)}`,
        `  message log: ${formatNumber(logged.n)} automation messages for ${formatNumber(logged.people)} people`,
        `order API (${formatNumber(phases.without.length)} events each, alternating rounds):`,
        `  without an order automation: p50 ${w.p50.toFixed(1)} ms, p95 ${w.p95.toFixed(1)} ms, CPU ${((cpu.without / phases.without.length) * 1000).toFixed(2)} ms per event`,
        `  with one (each event enrols): p50 ${a.p50.toFixed(1)} ms, p95 ${a.p95.toFixed(1)} ms, CPU ${((cpu.with / phases.with.length) * 1000).toFixed(2)} ms per event; ${formatNumber(enrolled)} enrolled`,
        `  p95 added: ${(a.p95 - w.p95).toFixed(1)} ms`,
      ],
      [
        ['every confirmed person got step one exactly once (sink and message log)', once_ === CONFIRMATIONS && logged.n === CONFIRMATIONS],
        ['every order event with the automation active enrolled its customer', enrolled === phases.with.length],
        [`the automation adds at most ${GOALS.addedP95Ms} ms to the order API's p95`, a.p95 - w.p95 <= GOALS.addedP95Ms],
      ],
    );
  } finally {
    await runCleanups(cleanups, log);
  }
}

/** Mail to the welcome readers (`w…`) at the sink. */
function welcomeCount(counts) {
  return Object.entries(counts.byPrefix).reduce((sum, [prefix, n]) => sum + (/^w\d+$/.test(prefix) ? n : 0), 0);
}

/** Mail to customers and warm-up addresses (order mails). */
function customersMail(counts) {
  return Object.entries(counts.byPrefix).reduce((sum, [prefix, n]) => sum + (/^(c|warm)\d+$/.test(prefix) ? n : 0), 0);
}

/** `n` subscribers written straight to the database (`<prefix><i>@bench.example`), each a member of `listId`. */
async function subscribers(c, prefix, n, listId, status) {
  const people = Array.from({ length: n }, (_, i) => ({ id: randomUUID(), email: `${prefix}${i}@bench.example` }));
  for (let i = 0; i < n; i += 1000) {
    const chunk = people.slice(i, i + 1000);
    await c.query(
      `INSERT INTO subscribers (id, email, email_key, name, attributes, status) SELECT x.id, x.email, x.email, 'Reader', '{}'::jsonb, 'enabled' FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, email text)`,
      [JSON.stringify(chunk)],
    );
    await c.query(
      `INSERT INTO subscriptions (subscriber_id, list_id, status, confirmed_at) SELECT x.id, $2, $3::varchar, CASE WHEN $3::varchar = 'confirmed' THEN now() END FROM jsonb_to_recordset($1::jsonb) AS x(id uuid)`,
      [JSON.stringify(chunk), listId, status],
    );
  }
  return people;
}

function orderEvent(api, key, orderId, email) {
  return call(api, 'POST', '/api/orders/events', { token: key, json: { orderId, status: 'placed', customer: { email, name: 'Ada' }, order: ORDER } });
}

function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  return { p50: at(50), p95: at(95) };
}

/** bench/smtp-sink.js in its own process; only its counts are asked for. */
async function countingSink() {
  const child = fork(join(__dirname, 'smtp-sink.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiters = [];
  let port = 0;
  child.on('message', (msg) => {
    if (msg.type === 'count') waiters.shift()?.(msg.counts);
    else if (msg.type === 'ready') port = msg.port;
  });
  while (!port) await sleep(20);
  return {
    port,
    counts: () => new Promise((resolve) => (waiters.push(resolve), child.send({ type: 'count' }))),
    stop: async () => {
      child.send({ type: 'stop' });
      await once(child, 'exit');
    },
  };
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
