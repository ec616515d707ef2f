#!/usr/bin/env node
/**
 * Bounce corpus benchmark (npm run bench:bounces, after a build): reads every message of
 * test/fixtures/bounces with the built classifier and prints the figures of issue 14 (recognised, hard recall,
 * not-permanent called hard, complaints read, auto-replies suppressing), the messages misread and the time
 * taken; then reads hostile inputs (1 MB of junk shaped to make a pattern backtrack) and times each (goal: under a
 * second). Exit code 1 when a goal is missed.
 */
'use strict';
const { join } = require('node:path');
const { readBounce } = require('../dist/bounces/read-bounce');
const { corpusFigures, readCorpus } = require('../dist/bounces/corpus-figures');

(async () => {
  const dir = join(__dirname, '../test/fixtures/bounces');
  const started = process.hrtime.bigint();
  const { manifest, read } = await readCorpus(dir);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const { misread, ...figures } = corpusFigures(read);
  console.table(figures);
  console.log(`${manifest.length} messages read in ${ms.toFixed(0)} ms (${(ms / manifest.length).toFixed(2)} ms each)`);
  for (const m of misread) console.log(`misread ${m.file}: expected ${m.expected}, got ${m.got}`);
  // Hostile input: each must be read in well under a second, whatever its shape (linear patterns, bounded reads).
  const hostile = [
    ['a plain bounce naming 100 addresses over 1 MB', `From: MAILER-DAEMON@x\r\nSubject: Undelivered Mail\r\n\r\n${Array.from({ length: 100 }, (_, i) => `<u${i}@example.com>: 550 5.1.1 user unknown ${'x'.repeat(10_000)}`).join('\r\n')}`],
    ['a line of 1 MB of dashes', `From: MAILER-DAEMON@x\r\nSubject: failure notice\r\n\r\n${'-'.repeat(1_000_000)}\r\n<a@example.com>: no`],
    ['1 MB of address-like junk', `From: MAILER-DAEMON@x\r\nSubject: failure notice\r\n\r\n${'a.a@'.repeat(250_000)}`],
    ['1 MB of lines holding only spaces before a header', `${' '.repeat(250)}\r\n`.repeat(4_000) + 'From: MAILER-DAEMON@x\r\n\r\n'],
    ['a 5,000-line transcript', `From: MAILER-DAEMON@x\r\nSubject: Returned mail\r\n\r\n${'<<< 550 5.1.1 <a@example.com>... user unknown\r\n'.repeat(5_000)}`],
  ];
  let slowest = 0;
  for (const [name, raw] of hostile) {
    const t0 = process.hrtime.bigint();
    await readBounce(raw).catch(() => null);
    const took = Number(process.hrtime.bigint() - t0) / 1e6;
    slowest = Math.max(slowest, took);
    console.log(`hostile: ${name}: ${took.toFixed(0)} ms`);
  }
  const { classifySmtpAnswer } = require('../dist/bounces/classify-status');
  const t1 = process.hrtime.bigint();
  for (const piece of ['user ', 'mailbox ', 'account a', '@', 'a@a.', ' ip ']) classifySmtpAnswer(550, piece.repeat(20_000));
  const answers = Number(process.hrtime.bigint() - t1) / 1e6;
  console.log(`hostile: six 20,000-fold SMTP answers: ${answers.toFixed(0)} ms`);
  const met =
    slowest < 1000 &&
    answers < 1000 &&
    figures.recognised >= 95 &&
    figures.hardRecall >= 95 &&
    figures.notPermanentCalledHard <= 5 &&
    figures.complaintsRead === 100 &&
    figures.autoRepliesSuppressing === 0;
  console.log(met ? 'all goals met' : 'a goal is missed');
  process.exitCode = met ? 0 : 1;
})();
