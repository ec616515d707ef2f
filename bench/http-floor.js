#!/usr/bin/env node
/**
 * What answering the pixel costs a bare node:http server at a lower rate (node bench/http-floor.js, after a build):
 * the same server as bench/pixel.js's baseline, once at full speed and once held back by a fixed busy wait per
 * request (SPIN_US, default 20 and 40 µs), loaded by the same generator (bench/load-generator.js, a process of its
 * own). Prints each server's rate, its CPU per request and that CPU less the busy wait: the price of the HTTP work
 * itself at that rate. On loopback the kernel's send, which wakes the generator, is charged to the server; the
 * slower the server, the more often the generator is asleep when a response arrives. So a server answering at the
 * service's rate pays more per request for the same work than the baseline at its own ceiling does: part of the
 * service's CPU per open in bench:pixel is this, not the service's own work. No goal; a figure to read beside it.
 *
 * Environment: ROUNDS (default 3), ROUND_SECONDS (default 5), CONNECTIONS (default 50), SPIN_US (comma-separated,
 * default '20,40').
 */
'use strict';
const { fork } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const http = require('node:http');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { once } = require('node:events');
const { cpuSecondsOf, formatNumber: f } = require('./support');

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const ROUND_SECONDS = Number(process.env.ROUND_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const SPINS = [0, ...(process.env.SPIN_US ?? '20,40').split(',').map(Number)];

if (process.argv[2] === '--server') server(Number(process.argv[3]));
else
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });

/** bench/pixel.js's bare server, with a busy wait of `spinUs` µs before each answer. */
function server(spinUs) {
  const { PIXEL_GIF, PIXEL_HEADERS } = require('../dist/tracking/pixel');
  const spinNs = BigInt(Math.round(spinUs * 1000));
  const s = http.createServer((req, res) => {
    if (spinNs) for (const until = process.hrtime.bigint() + spinNs; process.hrtime.bigint() < until; );
    res.writeHead(200, PIXEL_HEADERS);
    res.end(PIXEL_GIF);
  });
  s.listen(0, '127.0.0.1', () => process.send({ port: s.address().port }));
  process.on('message', (msg) => msg === 'stop' && s.close(() => process.exit(0)));
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'mc-floor-'));
  const generator = fork(join(__dirname, 'load-generator.js'));
  const servers = [];
  try {
    await waitFor(generator, 'ready');
    writeFileSync(join(work, 'paths'), '/o/bench\n');
    generator.send({ type: 'paths', file: join(work, 'paths') });
    await waitFor(generator, 'loaded');
    for (const spin of SPINS) {
      const child = fork(__filename, ['--server', String(spin)]);
      const [{ port }] = await once(child, 'message');
      servers.push({ spin, child, port, runs: [] });
    }
    const lists = Array.from({ length: CONNECTIONS }, () => [0]);
    for (let round = 1; round <= ROUNDS; round++)
      for (const s of servers) {
        const before = cpuSecondsOf([s.child.pid]);
        generator.send({ type: 'run', url: `http://127.0.0.1:${s.port}`, seconds: ROUND_SECONDS, lists, agents: ['bench'] });
        const result = await waitFor(generator, 'result');
        s.runs.push({ ...result, serverCpu: cpuSecondsOf([s.child.pid]) - before });
      }
    console.log(`\nbare node:http, ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s, ${CONNECTIONS} connections`);
    for (const s of servers) {
      const answered = s.runs.reduce((n, r) => n + r.answered, 0);
      const seconds = s.runs.reduce((n, r) => n + r.seconds, 0);
      const perRequest = (key) => (s.runs.reduce((n, r) => n + r[key], 0) * 1e6) / answered;
      const cpu = perRequest('serverCpu');
      console.log(
        `busy wait ${String(s.spin).padStart(3)} µs   ${f(answered / seconds).padStart(7)} req/s   server CPU ${f(cpu, 1)} µs per request, ` +
          `${f(cpu - s.spin, 1)} without the wait   generator ${f(perRequest('cpuSeconds'), 1)} µs per request`,
      );
    }
  } finally {
    for (const s of servers) s.child.send('stop');
    generator.send({ type: 'stop' });
    rmSync(work, { recursive: true, force: true });
  }
}

/** The generator's next message of `type` (an 'error' message throws). */
function waitFor(child, type) {
  return new Promise((resolve, reject) => {
    const on = (msg) => {
      if (msg.type === 'error') reject(new Error(msg.message));
      else if (msg.type !== type) return;
      child.off('message', on);
      resolve(msg);
    };
    child.on('message', on);
  });
}
