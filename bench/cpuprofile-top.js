#!/usr/bin/env node
/**
 * Where a thread spent its time, from a V8 .cpuprofile (node --cpu-prof; see SERVICE_NODE_ARGS in support.js):
 * node bench/cpuprofile-top.js PROFILE [FROM TO] [N]
 *
 * FROM and TO (µs on the monotonic clock, as bench/campaign.js prints its campaign window) keep only the samples
 * taken between them. Prints the window's length, the share of samples that were idle ((idle), the thread
 * waiting in its event loop), in garbage collection and in (program) (V8 and native code without a JS frame), then
 * the N (default 25) functions with the most self time, and the same per script file.
 */
'use strict';
const { readFileSync } = require('node:fs');

const [file, fromArg, toArg, nArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/cpuprofile-top.js PROFILE [FROM TO] [N]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const from = fromArg ? Number(fromArg) : -Infinity;
const to = toArg ? Number(toArg) : Infinity;
const top = Number(nArg ?? 25);

const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map(); // node id → µs
let t = profile.startTime;
let first = Infinity;
let last = -Infinity;
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i];
  if (t < from || t > to) continue;
  // a sample stands for the time until the next one
  const dt = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1] : 0;
  selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
  total += dt;
  first = Math.min(first, t);
  last = Math.max(last, t);
}
if (!total) {
  console.error('no samples in that window');
  process.exit(1);
}

const byFunction = new Map();
const byFile = new Map();
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = nodes.get(id).callFrame;
  const path = url.replace(/^file:\/\//, '');
  const short = path.includes('/node_modules/') ? path.replace(/^.*\/node_modules\//, 'node_modules/') : path.replace(/^.*\/dist\//, 'dist/');
  const key = `${functionName || '(anonymous)'}  ${short ? `${short}:${lineNumber + 1}` : ''}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  const where = short ? (short.startsWith('node_modules/') ? short.split('/').slice(0, short.startsWith('node_modules/@') ? 3 : 2).join('/') : short) : functionName;
  byFile.set(where, (byFile.get(where) ?? 0) + us);
}
const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
const special = (name) => [...byFunction].filter(([k]) => k.startsWith(`${name} `)).reduce((s, [, us]) => s + us, 0);
console.log(`window ${((last - first) / 1e6).toFixed(1)} s, sampled ${(total / 1e6).toFixed(1)} s`);
console.log(`idle ${pct(special('(idle)'))}   garbage collector ${pct(special('(garbage collector)'))}   program ${pct(special('(program)'))}`);
console.log(`\ntop ${top} functions by self time`);
for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${key}`);
console.log(`\ntop ${top} scripts/packages by self time`);
for (const [key, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${key}`);
