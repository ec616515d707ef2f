#!/usr/bin/env node
/**
 * What one SMTP thread spends on a campaign message (node bench/campaign-thread.js, after a build): the CPU time of
 * composing (CampaignComposer: the version filled for a reader, links signed, pixel, footer, headers) and sending
 * (MailTransportService: MIME, DKIM when DKIM=1, the SMTP pool) MESSAGES newsletter messages (default 5,000) to the
 * benchmark's sink, in this process alone, against bare nodemailer sending the same number of pre-built messages
 * of the same size to the same sink from the same process (its usual pool: 20 connections, two messages in
 * flight on each). No database, no queue, no main thread: where bench:campaign measures the whole service on a
 * machine that may be busy with other work, this isolates the work of the threads, and measures CPU time, which
 * other load changes far less than it changes rates. ROUNDS (default 3) alternates the two, so that both meet the
 * same load; it prints the CPU milliseconds per message of each round and of both in all.
 *
 * DIST=dir measures another build of the service (e.g. an older commit's dist), with this bench and sink.
 */
'use strict';
const { fork } = require('node:child_process');
const { generateKeyPairSync, randomUUID } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { once } = require('node:events');
const { join, resolve } = require('node:path');
const nodemailer = require('nodemailer');

const DIST = resolve(process.env.DIST ?? join(__dirname, '..', 'dist'));
const MESSAGES = Number(process.env.MESSAGES ?? 5_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DKIM = process.env.DKIM === '1';
const CONNECTIONS = 10; // one thread's share of the default SMTP_CONNECTIONS (20, over two threads)
const NEWSLETTER = readFileSync(join(__dirname, 'newsletter-mjml-io.mjml'), 'utf8');

async function main() {
  const sink = fork(join(__dirname, 'smtp-sink.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [{ port }] = await once(sink, 'message');
  try {
    const service = await serviceSide(port);
    const bare = await bareSide(port, service.sample);
    console.log(
      `messages ${MESSAGES} a round, ${(service.sample.length / 1024).toFixed(0)} KB each; DKIM ${DKIM ? 'on (RSA 2048)' : 'off'}; dist ${DIST}`,
    );
    const totals = { service: 0, bare: 0 };
    for (let round = 1; round <= ROUNDS; round++) {
      const s = await cpuPerMessage(service.send);
      const b = await cpuPerMessage(bare.send);
      totals.service += s;
      totals.bare += b;
      console.log(
        `round ${round}: composed and sent by the service ${s.toFixed(3)} ms/msg, bare nodemailer (pre-built) ${b.toFixed(3)} ms/msg`,
      );
    }
    console.log(
      `all rounds: service ${(totals.service / ROUNDS).toFixed(3)} ms/msg, bare nodemailer ${(totals.bare / ROUNDS).toFixed(3)} ms/msg, ratio of CPU ${(totals.service / totals.bare).toFixed(2)}`,
    );
    service.close();
    bare.close();
  } finally {
    sink.send({ type: 'stop' });
  }
}

/** The service's code as an SMTP thread runs it: CampaignComposer, toTransportMail, MailTransportService. */
async function serviceSide(port) {
  const { MjmlCompiler } = require(join(DIST, 'templates/render/mjml-compiler'));
  const { RendererService } = require(join(DIST, 'templates/render/renderer.service'));
  const { campaignHtmlPass } = require(join(DIST, 'delivery/personalize-html'));
  const { TokenService } = require(join(DIST, 'tokens/token.service'));
  const { CampaignComposer } = require(join(DIST, 'delivery/campaign-composer'));
  const { toTransportMail } = require(join(DIST, 'delivery/outgoing-mail'));
  const { MailTransportService } = require(join(DIST, 'delivery/mail-transport.service'));
  const config = {
    smtpUrl: `smtp://127.0.0.1:${port}`,
    mailFrom: 'Northwind News <news@bench.example>',
    publicUrl: 'https://mail.bench.example',
    companyAddress: 'Northwind Goods Ltd',
    appSecret: 'bench-secret-bench-secret-bench-secret',
    dataDir: '/nonexistent',
    dkim: DKIM
      ? {
          domainName: 'bench.example',
          keySelector: 'bench',
          privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
            type: 'pkcs8',
            format: 'pem',
          }),
        }
      : undefined,
  };
  const compiled = await new RendererService(new MjmlCompiler()).compile({
    versionId: 'bench',
    subject: 'Spring is here, {{subscriber.name}}',
    mjml: NEWSLETTER,
    htmlPass: campaignHtmlPass,
  });
  const composer = new CampaignComposer(
    { publicUrl: config.publicUrl, companyAddress: config.companyAddress, tokens: new TokenService(config) },
    config.mailFrom,
  );
  const transport = new MailTransportService(config, { maxConnections: CONNECTIONS, maxMessages: 1000 });
  const campaign = {
    id: randomUUID(),
    name: 'Spring 2026',
    trackOpens: true,
    trackClicks: true,
    fromName: null,
    fromEmail: null,
  };
  const list = { id: randomUUID(), name: 'Bench readers' };
  let n = 0;
  const compose = () => {
    const i = n++;
    const reader = {
      messageId: randomUUID(),
      subscriberId: randomUUID(),
      email: `reader-${i}@bench.example`,
      name: `Reader ${i}`,
      attributes: { city: 'London', tier: 'Gold' },
    };
    return toTransportMail(composer.compose(campaign, compiled, reader, list, true), config);
  };
  const first = compose();
  const sample = (
    await nodemailer
      .createTransport({ streamTransport: true, buffer: true, newline: 'windows' })
      .sendMail({ ...first, html: first.html, text: first.text })
  ).message;
  return { send: () => transport.send(compose()), sample, close: () => transport.close() };
}

/** Bare nodemailer: the pre-built message, as bench:campaign's baseline sends it. */
async function bareSide(port, raw) {
  const transport = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port,
    maxConnections: 20,
    maxMessages: Infinity,
  });
  let n = 0;
  return {
    send: () =>
      transport.sendMail({ envelope: { from: 'news@bench.example', to: [`baseline-${n++}@bench.example`] }, raw }),
    close: () => transport.close(),
  };
}

/** CPU milliseconds of this process per message, MESSAGES messages, as many in flight as the pool has connections x 2. */
async function cpuPerMessage(send) {
  for (let i = 0; i < 200; i++) await send(); // warm
  const cpu = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: 2 * CONNECTIONS }, async () => {
      while (next++ < MESSAGES) await send();
    }),
  );
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000 / MESSAGES;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
