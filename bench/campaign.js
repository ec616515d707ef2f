#!/usr/bin/env node
/**
 * Campaign sending benchmark (npm run bench:campaign, after a build).
 *
 * 1. starts the SMTP sink in a process of its own (bench/smtp-sink.js: a raw socket that answers SMTP with
 *    PIPELINING and only counts, and reports the CPU time it used);
 * 2. starts the built service (node dist/main, as `npm start` runs it) on a scratch PostgreSQL database, imports
 *    RECIPIENTS subscribers into a list;
 * 3. baseline, which also measures the sink: bare nodemailer in this process (a pool of BASELINE_CONNECTIONS
 *    connections, default 20, two messages in flight per connection, so that the number of connections is not
 *    the limit) sends RECIPIENTS pre-built raw messages of the same size (the 40 KB MJML newsletter rendered once
 *    with tracking, then turned into its MIME bytes once) to the sink; printed beside its rate: this process's
 *    CPU busy fraction, the sink's (its CPU seconds / the phase's wall seconds, 1 = one core), and the sink's
 *    capacity estimated from them (the rate / the sink's busy fraction);
 * 4. transactional latency with nothing else running: order events posted one at a time, from POST to the
 *    sink's acceptance;
 * 5. the campaign: the newsletter with open and click tracking to the whole list, from POST /send until the
 *    sink has accepted every message; meanwhile an order event every 250 ms, timed the same way, the service's
 *    RSS sampled, and the CPU used by the sink (its busy fraction), the service (all its threads) and PostgreSQL
 *    measured;
 * 6. prints both rates and their ratio, both busy fractions of the sink, peak RSS, p50/p95 of both latencies,
 *    and the sink's count; and the campaign's window on the monotonic clock (µs, the clock of a V8
 *    .cpuprofile), to cut a profile of the service down to the campaign.
 *
 * Goals: ratio >= 0.8, peak RSS < 400 MB, transactional p95 under load <= 3 x idle p95, every reader exactly
 * once at the sink, and the sink never busier than half of one core in either phase (else the sink, not what
 * is measured, may have been the limit).
 *
 * Environment: DATABASE_URL (a database to connect to for CREATE DATABASE; default
 * postgres://postgres@127.0.0.1:5432/test), REDIS_URL (default redis://127.0.0.1:6379), RECIPIENTS (default
 * 100000), BASELINE_CONNECTIONS (default 20), NEWSLETTER (25k or 40k, below), DKIM=1, WORKERS=n, SMTP_CONNECTIONS
 * (passed to the service); SERVICE_NODE_ARGS / SERVICE_NODE_OPTIONS: node flags for the
 * service alone (bench/support.js), e.g. SERVICE_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
 * Exit code 1 when a goal is missed.
 */
'use strict';
const { fork } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { mkdtempSync, readFileSync, rmSync, writeFileSync, openAsBlob } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { once } = require('node:events');
const nodemailer = require('nodemailer');
const { ROOT, startService, stopService, waitForHealth, call, rssMb, peakRss, cpuSeconds, freePort, sleep, scratchStores, serviceEnv, runCleanups, report, formatNumber } = require('./support');

const RECIPIENTS = Number(process.env.RECIPIENTS ?? 100_000);
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const IDLE_ORDERS = 40;
const ORDER_EVERY_MS = 250;
const BASELINE_CONNECTIONS = Number(process.env.BASELINE_CONNECTIONS ?? 20);
const ADMIN = { email: 'bench@example.com', password: 'bench password 123' };
/**
 * NEWSLETTER=25k (default): mjml.io's public "newsletter" template (github.com/mjmlio/email-templates,
 * templates/newsletter.mjml, MIT; two mj-divider attributes MJML 4 rejects dropped), ~25 KB of HTML;
 * NEWSLETTER=40k: bench/newsletter-40k.mjml, a long shop newsletter (~190 KB of HTML, 40 KB of MJML).
 */
const NEWSLETTER_FILES = { '25k': 'newsletter-mjml-io.mjml', '40k': 'newsletter-40k.mjml' };
const NEWSLETTER_NAME = process.env.NEWSLETTER ?? '25k';
const NEWSLETTER = readFileSync(join(__dirname, NEWSLETTER_FILES[NEWSLETTER_NAME] ?? NEWSLETTER_NAME), 'utf8');
/** DKIM=1: the service signs every message (RSA 2048, a key made for the run); the baseline stays unsigned. */
const DKIM = process.env.DKIM === '1';
/** WORKERS=n: n processes of `npm run start:worker` beside the service (default 0). */
const WORKERS = Number(process.env.WORKERS ?? 0);
const GOALS = { ratio: DKIM ? 0.6 : 0.8, rssMb: 400, latencyFactor: 3, sinkBusy: 0.5 };
const ORDER = JSON.parse(readFileSync(join(ROOT, 'templates', 'order-placed.json'), 'utf8')).sample.order;

const log = (...args) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);

async function main() {
  const tag = randomBytes(4).toString('hex');
  const work = mkdtempSync(join(tmpdir(), 'mc-bench-'));
  const cleanups = [];
  try {
    const sink = await startSink();
    cleanups.push(() => sink.stop());

    const { databaseUrl, queuePrefix } = await scratchStores({ baseUrl: BASE_URL, redisUrl: REDIS_URL, tag, cleanups });

    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    const env = {
      ...serviceEnv({ port, databaseUrl, redisUrl: REDIS_URL, queuePrefix, work }),
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      MAIL_FROM: 'Northwind News <news@bench.example>',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ...(process.env.SMTP_CONNECTIONS ? { SMTP_CONNECTIONS: process.env.SMTP_CONNECTIONS } : {}),
      ...(DKIM ? dkimEnv() : {}),
    };
    const service = startService(env);
    cleanups.push(() => stopService(service));
    await waitForHealth(api, service);
    const workers = [];
    for (let i = 0; i < WORKERS; i++) {
      const worker = startService({ ...env, PORT: String(await freePort()) }, ['--worker']);
      cleanups.push(() => stopService(worker));
      workers.push(worker);
    }
    const token = (await call(api, 'POST', '/api/auth/login', { json: ADMIN })).accessToken;
    const key = (await call(api, 'POST', '/api/api-keys', { token, json: { name: 'bench', scopes: ['transactional:send'] } })).key;

    log(`importing ${RECIPIENTS.toLocaleString('en')} subscribers`);
    const list = await call(api, 'POST', '/api/lists', { token, json: { name: 'Bench readers', optIn: 'single' } });
    await importSubscribers(api, token, list.id, work);

    log('baseline: bare nodemailer, pre-built messages');
    const prebuilt = await prebuiltMessage();
    const baselineSink = await sinkPhase(sink);
    const { seconds: baselineSeconds, clientBusy } = await baseline(sink, prebuilt);
    const baselinePhase = await baselineSink.end('baseline');
    log(`baseline: ${(RECIPIENTS / baselineSeconds).toFixed(0)} msg/s, sink busy ${baselinePhase.busy.toFixed(2)}, client busy ${clientBusy.toFixed(2)}`);

    log('transactional latency, idle');
    const idle = [];
    for (let i = 0; i < IDLE_ORDERS; i++) idle.push(await orderLatency(api, key, sink, `idle${i}`));

    log('the campaign');
    const campaign = await call(api, 'POST', '/api/campaigns', {
      token,
      json: { name: 'Spring 2026', subject: 'Spring is here, {{subscriber.name}}', mjml: NEWSLETTER, listIds: [list.id], trackOpens: true, trackClicks: true },
    });
    let peakRssMb = 0;
    const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, rssMb(service.pid), ...workers.map((w) => rssMb(w.pid)))), 100);
    const loaded = [];
    let ordersRunning = true;
    const orders = (async () => {
      for (let i = 0; ordersRunning; i++) {
        const started = Date.now();
        loaded.push(await orderLatency(api, key, sink, `load${i}`));
        await sleep(Math.max(0, ORDER_EVERY_MS - (Date.now() - started)));
      }
    })();
    const campaignSink = await sinkPhase(sink);
    const cpuBefore = cpuSeconds(service.pid);
    const workersCpuBefore = workers.map((w) => cpuSeconds(w.pid).service);
    const started = process.hrtime.bigint();
    await call(api, 'POST', `/api/campaigns/${campaign.id}/send`, { token, json: {} });
    let lastLog = 0;
    for (;;) {
      const n = (await sink.counts()).byPrefix.reader ?? 0;
      if (n >= RECIPIENTS) break;
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(`campaign: ${n.toLocaleString("en")} at the sink, service RSS ${rssMb(service.pid).toFixed(0)} MB`);
      }
      await sleep(50);
    }
    const ended = process.hrtime.bigint();
    const campaignSeconds = Number(ended - started) / 1e9;
    const campaignPhase = await campaignSink.end('reader');
    const cpuAfter = cpuSeconds(service.pid);
    const workersCpu = workers.reduce((sum, w, i) => sum + cpuSeconds(w.pid).service - workersCpuBefore[i], 0);
    const serviceBusy = (cpuAfter.service - cpuBefore.service + workersCpu) / campaignSeconds;
    const postgresBusy = (cpuAfter.postgres - cpuBefore.postgres) / campaignSeconds;
    const mainThreadMs = ((cpuAfter.mainThread - cpuBefore.mainThread) * 1000) / RECIPIENTS;
    ordersRunning = false;
    await orders;
    clearInterval(sampler);
    peakRssMb = Math.max(peakRssMb, rssMb(service.pid));
    const lifetimePeakMb = peakRss(service.pid);

    const deadline = Date.now() + 60_000;
    let view;
    while ((view = await call(api, 'GET', `/api/campaigns/${campaign.id}`, { token })).status !== 'sent' && Date.now() < deadline) await sleep(200);
    await sleep(2000); // anything still on its way would arrive now
    const atSink = (await sink.counts()).byPrefix.reader ?? 0;

    const serviceRate = RECIPIENTS / campaignSeconds;
    const baselineRate = RECIPIENTS / baselineSeconds;
    const ratio = serviceRate / baselineRate;
    const idleP = percentiles(idle);
    const loadP = percentiles(loaded);
    const checks = [
      [`ratio campaign/bare nodemailer >= ${GOALS.ratio}`, ratio >= GOALS.ratio],
      [`peak RSS while sending < ${GOALS.rssMb} MB`, peakRssMb < GOALS.rssMb],
      [`transactional p95 under load <= ${GOALS.latencyFactor} x idle p95`, loadP.p95 <= GOALS.latencyFactor * idleP.p95],
      [`sink busy <= ${GOALS.sinkBusy} of one core, baseline phase`, baselinePhase.busy <= GOALS.sinkBusy],
      [`sink busy <= ${GOALS.sinkBusy} of one core, campaign phase`, campaignPhase.busy <= GOALS.sinkBusy],
      [`exactly ${RECIPIENTS} campaign messages at the sink`, atSink === RECIPIENTS],
      [`campaign status sent, progress sent = ${RECIPIENTS}`, view.status === 'sent' && view.progress.sent === RECIPIENTS],
    ];
    const f = formatNumber;
    report(
      [
        WORKERS
          ? `service                           npm start's process + ${WORKERS} \`npm run start:worker\` process(es); DKIM ${DKIM ? 'on (RSA 2048)' : 'off'}; newsletter ${NEWSLETTER_NAME}`
          : `service                           one process, as \`npm start\` runs it (node dist/main: HTTP and jobs; campaign SMTP in its worker thread); DKIM ${DKIM ? 'on (RSA 2048)' : 'off'}; newsletter ${NEWSLETTER_NAME}`,
        `recipients                        ${f(RECIPIENTS)}   message ${f(prebuilt.raw.length / 1024)} KB as sent (HTML ${f(prebuilt.html.length / 1024)} KB, text ${f(prebuilt.text.length / 1024)} KB)`,
        `bare nodemailer, pre-built        ${f(baselineSeconds, 1)} s   ${f(baselineRate)} msg/s   (${BASELINE_CONNECTIONS} connections; this client's CPU ${f(clientBusy, 2)} of a core)`,
        `  sink in that phase              busy ${f(baselinePhase.busy, 2)} of a core   ${f(baselinePhase.messages)} msgs, ${f(baselinePhase.perMessage / 1024)} KB each on average`,
        `  sink capacity, estimated        ~${f(baselineRate / baselinePhase.busy)} msg/s at one core busy (the rate / the busy fraction)`,
        `campaign (service)                ${f(campaignSeconds, 1)} s   ${f(serviceRate)} msg/s`,
        `  sink in that phase              busy ${f(campaignPhase.busy, 2)} of a core   ${f(campaignPhase.messages)} msgs (orders included), a reader's ${f(campaignPhase.perMessage / 1024)} KB on average`,
        `  CPU in that phase               service ${f(serviceBusy, 2)} cores (all its threads${WORKERS ? ', workers included' : ''}), PostgreSQL ${f(postgresBusy, 2)} cores`,
        `CPU per message                   service ${f((serviceBusy * campaignSeconds * 1000) / RECIPIENTS, 2)} ms (all its threads; main thread ${f(mainThreadMs, 2)} ms${WORKERS ? ", npm start's" : ''}), bare nodemailer ${f((clientBusy * baselineSeconds * 1000) / RECIPIENTS, 2)} ms (its client): steadier than the rates on a busy machine`,
        `ratio                             ${f(ratio, 3)}`,
        `service peak RSS while sending    ${f(peakRssMb, 1)} MB   (whole life, import included: ${f(lifetimePeakMb, 1)} MB)`,
        `transactional latency, idle       p50 ${f(idleP.p50)} ms   p95 ${f(idleP.p95)} ms   (${idle.length} orders)`,
        `transactional latency, campaign   p50 ${f(loadP.p50)} ms   p95 ${f(loadP.p95)} ms   (${loaded.length} orders)`,
        `campaign messages at the sink     ${f(atSink)}`,
        `campaign window, monotonic µs     ${started / 1000n} .. ${ended / 1000n}   (node bench/cpuprofile-top.js PROFILE FROM TO)`,
      ],
      checks,
    );
  } finally {
    await runCleanups(cleanups, log);
    rmSync(work, { recursive: true, force: true });
  }
}

async function importSubscribers(api, token, listId, work) {
  const cities = ['London', 'Berlin', 'Paris', 'Lisbon', 'Oslo', 'Zürich', 'Kraków', ''];
  const lines = ['email,name,city,tier'];
  for (let i = 0; i < RECIPIENTS; i++) lines.push(`reader-${i}@bench.example,Reader ${i},${cities[i % cities.length]},${i % 3 ? 'Gold' : ''}`);
  const path = join(work, 'readers.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  const form = new FormData();
  form.append('listIds', listId);
  form.append('mode', 'subscribe');
  form.append('file', await openAsBlob(path, { type: 'text/csv' }), 'readers.csv');
  const { id } = await call(api, 'POST', '/api/imports', { token, body: form });
  for (;;) {
    const body = await call(api, 'GET', `/api/imports/${id}`, { token });
    if (body.status === 'done') return;
    if (body.status === 'failed') throw new Error(`the import failed: ${JSON.stringify(body)}`);
    await sleep(250);
  }
}

/** DKIM settings for the service: a fresh RSA 2048 key. */
function dkimEnv() {
  const { generateKeyPairSync } = require('node:crypto');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { DKIM_DOMAIN: 'bench.example', DKIM_SELECTOR: 'bench', DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }) };
}

/** The newsletter as the service renders it for one recipient (tracking on), rendered once here. */
function prebuiltMessage() {
  const { MjmlCompiler } = require('../dist/templates/render/mjml-compiler');
  const { RendererService } = require('../dist/templates/render/renderer.service');
  const { campaignHtmlPass } = require('../dist/delivery/personalize-html');
  const { recipientData, recipientUrls, trackingHooks } = require('../dist/delivery/personalize');
  const { withLegalFooter } = require('../dist/delivery/legal-footer');
  const { TokenService } = require('../dist/tokens/token.service');
  const renderer = new RendererService(new MjmlCompiler());
  const ctx = { publicUrl: 'https://mail.bench.example', companyAddress: 'Northwind Goods Ltd', tokens: new TokenService({ appSecret: 'bench-secret-bench-secret-bench' }) };
  const r = { messageId: '00000000-0000-4000-8000-000000000000', subscriberId: '10000000-0000-4000-8000-000000000000', email: 'reader-0@bench.example', name: 'Reader 0', attributes: { city: 'London', tier: 'Gold' } };
  return renderer
    .compile({ versionId: 'bench', subject: 'Spring is here, {{subscriber.name}}', mjml: NEWSLETTER, htmlPass: campaignHtmlPass })
    .then((compiled) => {
      const urls = recipientUrls(ctx, 'c', r);
      const filled = renderer.fill(compiled, recipientData(ctx, { name: 'Spring 2026' }, r, urls), trackingHooks(ctx, { trackOpens: true, trackClicks: true }, r.messageId, true));
      const out = withLegalFooter(filled, { ...urls, companyAddress: ctx.companyAddress });
      // its MIME bytes, built once by nodemailer as the SMTP transport would (CRLF line ends)
      const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
      return builder
        .sendMail({ from: 'Northwind News <news@bench.example>', to: r.email, subject: out.subject, html: out.html, text: out.text })
        .then((info) => ({ ...out, raw: info.message }));
    });
}

/**
 * Bare nodemailer: RECIPIENTS copies of the pre-built raw message over a pool of BASELINE_CONNECTIONS, two in
 * flight per connection. Returns its wall seconds and this process's CPU busy fraction meanwhile.
 */
async function baseline(sink, message) {
  const transport = nodemailer.createTransport({ pool: true, host: '127.0.0.1', port: sink.port, secure: false, maxConnections: BASELINE_CONNECTIONS, maxMessages: Infinity });
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  let next = 0;
  const worker = async () => {
    while (next < RECIPIENTS) {
      const i = next++;
      await transport.sendMail({ envelope: { from: 'news@bench.example', to: [`baseline-${i}@bench.example`] }, raw: message.raw });
    }
  };
  await Promise.all(Array.from({ length: 2 * BASELINE_CONNECTIONS }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  transport.close();
  return { seconds, clientBusy: (used.user + used.system) / 1e6 / seconds };
}

/**
 * The sink's counts now; `end(prefix)` gives what it did since: messages, bytes, the average size of a message
 * to `prefix-…` recipients, and how busy it was (its CPU seconds over the wall seconds between the two readings,
 * both taken by the sink; 1 = one core).
 */
async function sinkPhase(sink) {
  const from = await sink.counts();
  return {
    end: async (prefix) => {
      const to = await sink.counts();
      const delta = (counts) => counts[prefix] ?? 0;
      const perMessage = (delta(to.bytesByPrefix) - delta(from.bytesByPrefix)) / Math.max(1, delta(to.byPrefix) - delta(from.byPrefix));
      return { messages: to.total - from.total, bytes: to.bytes - from.bytes, perMessage, busy: (to.cpuMicros - from.cpuMicros) / 1000 / Math.max(1, to.at - from.at) };
    },
  };
}

/** Milliseconds from posting an order event to the sink accepting its mail. */
async function orderLatency(api, key, sink, label) {
  const email = `order-${label}@bench.example`;
  const arrived = sink.waitForOrder(email);
  const started = Date.now();
  await call(api, 'POST', '/api/orders/events', { token: key, json: { orderId: `B-${label}`, status: 'placed', customer: { email, name: 'Ada' }, order: ORDER } });
  return (await arrived) - started;
}

function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  return { p50: at(50), p95: at(95) };
}

async function startSink() {
  const child = fork(join(__dirname, 'smtp-sink.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map();
  const countWaiters = [];
  let port = 0;
  child.on('message', (msg) => {
    if (msg.type === 'order') {
      waiting.get(msg.to)?.(msg.at);
      waiting.delete(msg.to);
    } else if (msg.type === 'count') countWaiters.shift()?.(msg.counts);
    else if (msg.type === 'ready') port = msg.port;
  });
  while (!port) await sleep(20);
  return {
    port,
    waitForOrder: (to) => new Promise((resolve) => waiting.set(to, resolve)),
    counts: () => new Promise((resolve) => (countWaiters.push(resolve), child.send({ type: 'count' }))),
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
