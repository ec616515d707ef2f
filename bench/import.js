#!/usr/bin/env node
/**
 * CSV import benchmark (npm run bench:import, after a build).
 *
 * 1. writes a CSV of ROWS rows (email, name and three attributes) to a temp folder, streamed;
 * 2. starts the built service (node dist/main) as a child process on a scratch PostgreSQL database;
 * 3. uploads the file through POST /api/imports into a new list and polls GET /api/imports/:id until done;
 *    the service's peak RSS is its VmHWM (/proc/<pid>/status) at the end;
 * 4. loads the same file with a plain COPY … FROM STDIN (FORMAT csv, HEADER) into a scratch table: the baseline;
 * 5. prints both rates, their ratio, the peak RSS and count(*) of subscribers, then drops the scratch database.
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

    const serviceRate = ROWS / serviceSeconds;
    const copyRate = ROWS / copySeconds;
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

/** email, name and three attributes; written in chunks with backpressure, never held whole. */
async function writeCsv(path, rows) {
  const out = createWriteStream(path);
  out.write('email,name,city,plan,score\n');
  const plans = ['free', 'pro', 'team'];
  for (let i = 0; i < rows; ) {
    let chunk = '';
    for (const end = Math.min(rows, i + 2000); i < end; i++) {
      chunk += `user${i}@example.com,User ${i},City ${i % 500},${plans[i % 3]},${i % 1000}\n`;
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

/** Both measurements start without dirty buffers left by the previous step (needs a superuser; skipped otherwise). */
async function checkpoint(url) {
  await withClient(url, (c) => c.query('CHECKPOINT')).catch(() => undefined);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
