#!/usr/bin/env node
/**
 * CSV import benchmark (npm run bench:import, after a build).
 *
 * 1. writes a CSV of ROWS rows (email, name and three attributes) to a temp folder, streamed;
 * 2. starts the built service (node dist/main) as a child process on a scratch PostgreSQL database;
 * 3. uploads the file through POST /api/imports into a new list and polls GET /api/imports/:id until done;
 *    the service's peak RSS is its VmHWM (/proc/<pid>/status) at the end;
 * 4. loads the same file with a plain COPY … FROM STDIN (FORMAT csv, HEADER) into a scratch table: the baseline;
 * 5. for scale, loads the same people with plain COPYs into copies of the service's own two tables (subscribers,
 *    with its unique address index, and the list memberships, with their foreign keys), from files prepared
 *    beforehand with the ids and JSON the service would write: the least any import into this schema costs;
 * 6. prints the rates, the ratio, the peak RSS and count(*) of subscribers, then drops the scratch database.
 *
 * Environment: DATABASE_URL (a database to connect to for CREATE DATABASE; default
 * postgres://postgres@127.0.0.1:5432/test), REDIS_URL (default redis://127.0.0.1:6379), ROWS (default 1000000).
 * Exit code 1 when the import fails or a goal is missed.
 */
'use strict';
const { randomBytes } = require('node:crypto');
const { createReadStream, createWriteStream, mkdtempSync, openAsBlob, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { once } = require('node:events');
const { pipeline } = require('node:stream/promises');
const { from: copyFrom } = require('pg-copy-streams');
const { startService, stopService, waitForHealth, call, peakRss, withClient, freePort, sleep, scratchStores, serviceEnv, runCleanups, report, formatNumber } = require('./support');

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const GOALS = { ratio: 0.3, rssMb: 300 };
const ADMIN = { email: 'bench@example.com', password: 'bench password 123' };

const log = (...args) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);

async function main() {
  const tag = randomBytes(4).toString('hex');
  const work = mkdtempSync(join(tmpdir(), 'mc-bench-'));
  const csvPath = join(work, 'people.csv');
  const cleanups = [];
  try {
    log(`writing ${ROWS.toLocaleString('en')} rows to ${csvPath}`);
    await writeCsv(csvPath, ROWS);

    const { databaseUrl, queuePrefix } = await scratchStores({ baseUrl: BASE_URL, redisUrl: REDIS_URL, tag, cleanups });

    const port = await freePort();
    const service = startService({
      ...serviceEnv({ port, databaseUrl, redisUrl: REDIS_URL, queuePrefix, work }),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    });
    cleanups.push(() => stopService(service));
    const api = `http://127.0.0.1:${port}`;
    await waitForHealth(api, service);

    const token = (await call(api, 'POST', '/api/auth/login', { json: ADMIN })).accessToken;
    const list = await call(api, 'POST', '/api/lists', { token, json: { name: 'Bench', optIn: 'single' } });

    await checkpoint(databaseUrl);
    log('importing through the service');
    const started = process.hrtime.bigint();
    const form = new FormData();
    form.append('listIds', list.id);
    form.append('mode', 'subscribe');
    form.append('file', await openAsBlob(csvPath, { type: 'text/csv' }), 'people.csv');
    const { id } = await call(api, 'POST', '/api/imports', { token, body: form });
    const result = await waitForImport(api, token, id);
    const serviceSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const peakRssMb = peakRss(service.pid);
    if (result.status !== 'done') throw new Error(`the import ended ${result.status}: ${result.failure}`);

    const count = await withClient(databaseUrl, async (c) => Number((await c.query('SELECT count(*) FROM subscribers')).rows[0].count));

    await checkpoint(databaseUrl);
    log('loading the same file with COPY');
    const copySeconds = await copyBaseline(databaseUrl, csvPath);

    log('loading the same people with COPY into copies of the service\'s own tables');
    const schemaSeconds = await schemaCopyFloor(databaseUrl, work, list.id);

    const serviceRate = ROWS / serviceSeconds;
    const copyRate = ROWS / copySeconds;
    const schemaRate = ROWS / schemaSeconds;
    const ratio = serviceRate / copyRate;
    const checks = [
      [`ratio service/COPY >= ${GOALS.ratio}`, ratio >= GOALS.ratio],
      [`peak RSS < ${GOALS.rssMb} MB`, peakRssMb < GOALS.rssMb],
      [`count(*) FROM subscribers = ${ROWS}`, count === ROWS],
      ['no row skipped', result.skipped === 0 && result.imported === ROWS],
    ];
    const f = formatNumber;
    report(
      [
        `rows                       ${f(ROWS)}`,
        `service import             ${f(serviceSeconds, 2)} s   ${f(serviceRate)} rows/s   (upload + job: imported ${f(result.imported)}, updated ${f(result.updated)}, skipped ${f(result.skipped)})`,
        `COPY (FORMAT csv, HEADER)  ${f(copySeconds, 2)} s   ${f(copyRate)} rows/s`,
        `ratio service/COPY         ${f(ratio, 3)}`,
        `COPY into the service's tables (subscribers + memberships, same indexes and keys): ${f(schemaSeconds, 2)} s   ${f(schemaRate)} rows/s   = ${f(schemaRate / copyRate, 3)} of the COPY baseline; the service reaches ${f(serviceRate / schemaRate, 2)} of it`,
        `service peak RSS           ${f(peakRssMb, 1)} MB`,
        `SELECT count(*) FROM subscribers = ${f(count)}`,
      ],
      checks,
    );
  } finally {
    await runCleanups(cleanups, log);
    rmSync(work, { recursive: true, force: true });
  }
}

const PLANS = ['free', 'pro', 'team'];

/** The i-th person of the file: an address, a name and three attributes. */
function person(i) {
  return { email: `user${i}@example.com`, name: `User ${i}`, city: `City ${i % 500}`, plan: PLANS[i % 3], score: String(i % 1000) };
}

/** email, name and three attributes; written in chunks with backpressure, never held whole. */
async function writeCsv(path, rows) {
  const out = createWriteStream(path);
  out.write('email,name,city,plan,score\n');
  for (let i = 0; i < rows; ) {
    let chunk = '';
    for (const end = Math.min(rows, i + 2000); i < end; i++) {
      const { email, name, city, plan, score } = person(i);
      chunk += `${email},${name},${city},${plan},${score}\n`;
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function waitForImport(api, token, id) {
  const deadline = Date.now() + 30 * 60_000;
  let last = '';
  for (;;) {
    const body = await call(api, 'GET', `/api/imports/${id}`, { token });
    if (body.status === 'done' || body.status === 'failed') return body;
    const line = `${body.status}: ${body.imported + body.updated} written, ${body.skipped} skipped`;
    if (line !== last) log((last = line));
    if (Date.now() > deadline) throw new Error(`import ${id} still ${body.status} after 30 minutes`);
    await sleep(200);
  }
}

async function copyBaseline(url, csvPath) {
  return withClient(url, async (c) => {
    await c.query('CREATE TABLE copy_baseline (email text, name text, city text, plan text, score text)');
    const started = process.hrtime.bigint();
    await pipeline(createReadStream(csvPath), c.query(copyFrom('COPY copy_baseline FROM STDIN (FORMAT csv, HEADER)')));
    return Number(process.hrtime.bigint() - started) / 1e9;
  });
}

/**
 * Plain COPYs of the same people into copies of subscribers and subscriptions (indexes, defaults and foreign
 * keys as in the service's schema), from two files written first with the rows the service would derive
 * (a uuid7 id, the lower-cased key, the attributes as JSON): what any import into this schema pays at least.
 */
async function schemaCopyFloor(url, work, listId) {
  const { uuid7 } = require('../dist/database/uuid7');
  const people = join(work, 'subscribers.tsv');
  const memberships = join(work, 'subscriptions.tsv');
  const peopleOut = createWriteStream(people);
  const membershipsOut = createWriteStream(memberships);
  for (let i = 0; i < ROWS; ) {
    let peopleRows = '';
    let membershipRows = '';
    for (const end = Math.min(ROWS, i + 2000); i < end; i++) {
      const { email, name, city, plan, score } = person(i);
      const id = uuid7();
      peopleRows += `${id}\t${email}\t${email.toLowerCase()}\t${name}\t${JSON.stringify({ city, plan, score })}\n`;
      membershipRows += `${id}\t${listId}\tconfirmed\n`;
    }
    // Both waits are set up before either is awaited: one drain may come while waiting for the other.
    await Promise.all([peopleOut.write(peopleRows) || once(peopleOut, 'drain'), membershipsOut.write(membershipRows) || once(membershipsOut, 'drain')]);
  }
  peopleOut.end();
  membershipsOut.end();
  await Promise.all([once(peopleOut, 'finish'), once(membershipsOut, 'finish')]);
  return withClient(url, async (c) => {
    await c.query(`CREATE TABLE floor_subscribers (LIKE subscribers INCLUDING ALL);
      CREATE TABLE floor_subscriptions (LIKE subscriptions INCLUDING ALL,
        FOREIGN KEY (subscriber_id) REFERENCES floor_subscribers (id) ON DELETE CASCADE,
        FOREIGN KEY (list_id) REFERENCES lists (id) ON DELETE CASCADE)`);
    await checkpoint(url);
    const started = process.hrtime.bigint();
    await pipeline(createReadStream(people), c.query(copyFrom('COPY floor_subscribers (id, email, email_key, name, attributes) FROM STDIN')));
    await pipeline(createReadStream(memberships), c.query(copyFrom('COPY floor_subscriptions (subscriber_id, list_id, status) FROM STDIN')));
    return Number(process.hrtime.bigint() - started) / 1e9;
  });
}

/** Both measurements start without dirty buffers left by the previous step (needs a superuser; skipped otherwise). */
async function checkpoint(url) {
  await withClient(url, (c) => c.query('CHECKPOINT')).catch(() => undefined);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
