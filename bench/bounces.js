#!/usr/bin/env node
/**
 * Bounce corpus benchmark (npm run bench:bounces, after a build): reads every message of
 * test/fixtures/bounces with the built classifier and prints the figures of issue 14 (recognised, hard recall,
 * not-permanent called hard, complaints read, auto-replies suppressing), the messages misread and the time
 * taken. Exit code 1 when a goal is missed.
 */
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { readBounce } = require('../dist/bounces/read-bounce');
const { corpusFigures } = require('../dist/bounces/corpus-figures');

(async () => {
  const dir = join(__dirname, '../test/fixtures/bounces');
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const started = process.hrtime.bigint();
  const read = [];
  for (const entry of manifest) {
    const results = await readBounce(readFileSync(join(dir, entry.file))).then(
      (r) => r.bounces,
      () => [],
    );
    read.push({ entry, results });
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const { misread, ...figures } = corpusFigures(read);
  console.table(figures);
  console.log(`${manifest.length} messages read in ${ms.toFixed(0)} ms (${(ms / manifest.length).toFixed(2)} ms each)`);
  for (const m of misread) console.log(`misread ${m.file}: expected ${m.expected}, got ${m.got}`);
  const met =
    figures.recognised >= 95 &&
    figures.hardRecall >= 95 &&
    figures.notPermanentCalledHard <= 5 &&
    figures.complaintsRead === 100 &&
    figures.autoRepliesSuppressing === 0;
  console.log(met ? 'all goals met' : 'a goal is missed');
  process.exitCode = met ? 0 : 1;
})();
