'use strict';
// What the benchmarks share: the built service as a child process, its API, its memory, and the Redis and
// PostgreSQL they clean up after themselves.

const { spawn } = require('node:child_process');
const { readdirSync, readFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { join, resolve } = require('node:path');
const { once } = require('node:events');
const { Client } = require('pg');
const Redis = require('ioredis');

const ROOT = resolve(__dirname, '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The node flags of `npm start` (the heap limit): the benchmarks run the service as it runs in production. */
const START_FLAGS = /^node ((?:--\S+ )*)dist\/main$/.exec(require('../package.json').scripts.start)[1].trim().split(/\s+/).filter(Boolean);

/**
 * `dist/main.js` as `npm start` runs it, with only `env` (plus PATH and HOME); for the service alone,
 * SERVICE_NODE_OPTIONS is its NODE_OPTIONS (memory experiments) and SERVICE_NODE_ARGS adds node flags to its
 * command line, split at whitespace (e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof': one .cpuprofile per thread,
 * written when the service exits).
 */
function startService(env, args = []) {
  const extra = (process.env.SERVICE_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...START_FLAGS, ...extra, join(ROOT, 'dist', 'main.js'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: process.env.SERVICE_NODE_OPTIONS ?? '', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.exited = once(child, 'exit');
  return child;
}

/** SIGTERM (the service finishes its running jobs), SIGKILL after 15 s. */
async function stopService(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await child.exited;
  clearTimeout(timer);
}

async function waitForHealth(api, child) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode}`);
    if (await fetch(`${api}/health`).then((r) => r.ok, () => false)) return;
    await sleep(250);
  }
  throw new Error('the service did not become healthy within 90 s');
}

/** One API call; a non-2xx answer throws with its body. */
async function call(api, method, path, { token, json, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (json) headers['content-type'] = 'application/json';
  const res = await fetch(`${api}${path}`, { method, headers, body: json ? JSON.stringify(json) : body });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** The process's resident memory now (VmRSS) or at its highest so far (VmHWM), in MB. */
function rssMb(pid, field = 'VmRSS') {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`${field} not found in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}
const peakRss = (pid) => rssMb(pid, 'VmHWM');

/**
 * CPU seconds (user + system) used so far by the service and, apart, by every local PostgreSQL process
 * (Linux /proc, clock ticks of 1/100 s; processes that end in between are missed, which only under-counts).
 */
function cpuSeconds(servicePid) {
  const ticks = (pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      return { command: readFileSync(`/proc/${pid}/comm`, 'utf8').trim(), used: Number(fields[11]) + Number(fields[12]) };
    } catch {
      return { command: '', used: 0 };
    }
  };
  let postgres = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const { command, used } = ticks(pid);
    if (command === 'postgres') postgres += used;
  }
  // the main thread alone: /proc/PID/task/PID (the worker threads are the process's other tasks)
  return { service: ticks(servicePid).used / 100, mainThread: ticks(`${servicePid}/task/${servicePid}`).used / 100, postgres: postgres / 100 };
}

/**
 * CPU seconds (user + system) used so far by the processes `pids` together, e.g. the PostgreSQL backends of one
 * database (other databases' work on a shared server left out); a process that ended counts 0.
 */
function cpuSecondsOf(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // ended
    }
  }
  return ticks / 100;
}

/** Deletes the keys a run's queues left under `prefix`. */
async function dropRedisKeys(redisUrl, prefix) {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function withClient(url, run) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * A scratch PostgreSQL database (created from `baseUrl`) and a queue prefix of the run's own; how to remove both
 * is pushed onto `cleanups`.
 */
async function scratchStores({ baseUrl, redisUrl, tag, cleanups }) {
  const dbName = `mc_bench_${tag}`;
  await withClient(baseUrl, (c) => c.query(`CREATE DATABASE ${dbName}`));
  cleanups.push(() => withClient(baseUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)));
  const databaseUrl = new URL(baseUrl);
  databaseUrl.pathname = `/${dbName}`;
  const queuePrefix = `mcbench-${tag}`;
  cleanups.push(() => dropRedisKeys(redisUrl, queuePrefix));
  return { databaseUrl: databaseUrl.toString(), queuePrefix };
}

/** What every benchmark's service starts with: its stores, a data folder under `work`, the sender's address, quiet logs. */
function serviceEnv({ port, databaseUrl, redisUrl, queuePrefix, work }) {
  return {
    PORT: String(port),
    PUBLIC_URL: 'https://mail.bench.example',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: queuePrefix,
    DATA_DIR: join(work, 'data'),
    COMPANY_ADDRESS: 'Northwind Goods Ltd, 1 High Street, London EC1A 1AA',
    LOG_LEVEL: 'warn',
  };
}

/** Runs `cleanups` last first; one that fails is logged and the rest still run. */
async function runCleanups(cleanups, log) {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => log('cleanup failed:', err.message));
}

/** Prints the figures, then PASS or FAIL per goal; exit code 1 when a goal is missed. */
function report(lines, checks) {
  console.log(['', ...lines, '', ...checks.map(([name, ok]) => `${ok ? 'PASS' : 'FAIL'}  ${name}`), ''].join('\n'));
  process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
}

/** A number in the benchmarks' tables: thousands separated, `digits` decimals. */
const formatNumber = (n, digits = 0) => n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

module.exports = {
  ROOT, sleep, startService, stopService, waitForHealth, call, rssMb, peakRss, cpuSeconds, cpuSecondsOf, dropRedisKeys, withClient, freePort,
  scratchStores, serviceEnv, runCleanups, report, formatNumber,
};
