/**
 * npm run bench:render — the renderer against plain Handlebars, on a ~40 KB MJML newsletter.
 *
 * Builds the service's own classes from dist/ (no HTTP, no database) and renders the newsletter for
 * BENCH_RECIPIENTS (default 100,000) different recipients through RendererService.renderVersion:
 * subject + HTML + text part, with the data copy and required-field check it does for real mail.
 * Two baselines, both plain Handlebars on the same MJML output compiled once:
 * - "html only": the HTML template alone, the reading of the goal (>= 0.5);
 * - "same parts": the same three templates the renderer fills (subject, HTML, derived text part),
 *   so the ratio shows the renderer's own overhead (data copy, required-field check, tidying).
 * All run in alternating rounds so a busy machine slows each alike, twice: timing the fill alone,
 * then with the strings joined as a consumer would. Prints renders/s, ratios and the MJML call count.
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { MjmlCompiler } = require('../dist/templates/render/mjml-compiler');
const { RendererService } = require('../dist/templates/render/renderer.service');
const { compileTemplate, createHandlebars } = require('../dist/templates/render/handlebars-env');
const { deriveTextTemplate } = require('../dist/templates/render/text-template');

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 100_000);
const ROUNDS = 10;

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Margaret', 'Linus', 'Radia', 'Donald', 'Frances', ''];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Thompson', 'Hamilton', 'Torvalds', 'Perlman', 'Knuth'];
const CITIES = ['London', 'Berlin', 'Paris', 'Lisbon', 'Oslo', 'Zürich', 'Kraków', undefined];
const TIERS = ['Gold', 'Silver', undefined];
const LOCALES = ['en-US', 'en-GB', 'de-DE', 'fr-FR'];
const INTERESTS = ['linen', 'tea', 'books', 'ceramics', 'hiking', 'cooking'];

function recipient(i) {
  const name = FIRST[i % FIRST.length] && `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]} <${i}>`;
  return {
    subscriber: {
      id: `sub-${i}`,
      email: `reader${i}@example.com`,
      name,
      attributes: {
        city: CITIES[i % CITIES.length],
        tier: TIERS[i % TIERS.length],
        points: i % 5 ? (i * 37) % 5000 : undefined,
        locale: LOCALES[i % LOCALES.length],
        interests: INTERESTS.slice(i % 4, (i % 4) + (i % 3) + 1),
        signupSource: i % 2 ? 'the shop' : undefined,
      },
    },
    campaign: { name: 'Spring 2026' },
    unsubscribeUrl: `https://mail.example.com/u/${i.toString(36)}.${'x'.repeat(40)}`,
    preferencesUrl: `https://mail.example.com/p/${i.toString(36)}.${'y'.repeat(40)}`,
    companyAddress: 'Northwind Goods Ltd, 1 High Street, London EC1A 1AA',
  };
}

/**
 * V8 builds a concatenated string lazily, as a tree of pieces; whatever consumes a message (SMTP,
 * a file) pays for joining it. Reading one character forces the join, on both sides alike.
 */
function joined(s) {
  return s.charCodeAt(s.length >> 1) & 1;
}

async function main() {
  const mjml = readFileSync(join(__dirname, 'newsletter-40k.mjml'), 'utf8');
  const compiler = new MjmlCompiler();
  const renderer = new RendererService(compiler);
  const source = {
    versionId: 'bench:newsletter-40k',
    subject: 'Spring is here{{#if subscriber.name}}, {{subscriber.name}}{{/if}}',
    mjml,
    required: ['subscriber.email', 'unsubscribeUrl', 'preferencesUrl', 'companyAddress'],
  };
  const recipients = Array.from({ length: RECIPIENTS }, (_, i) => recipient(i));

  const t = process.hrtime.bigint();
  const compiled = await renderer.compile(source);
  const compileMs = Number(process.hrtime.bigint() - t) / 1e6;
  if (compiled.errors.length) throw new Error(`the newsletter has errors: ${JSON.stringify(compiled.errors)}`);

  // The baseline: the same MJML output, compiled once by Handlebars, filled directly.
  const hb = createHandlebars();
  const htmlOnly = compileTemplate(hb, compiled.html, true);
  const textTemplate = deriveTextTemplate(compiled.html);
  if (textTemplate === null) throw new Error('the newsletter has no derived text template');
  const parts = {
    subject: compileTemplate(hb, source.subject, false),
    html: htmlOnly,
    text: compileTemplate(hb, textTemplate, false),
  };
  const baselines = {
    'html only': (data, use) => use(htmlOnly(data)),
    'same parts (subject + html + text)': (data, use) => use(parts.subject(data)) + use(parts.html(data)) + use(parts.text(data)),
  };

  // Warm both paths up (JIT, helper caches) before timing.
  for (const data of recipients.slice(0, 500)) {
    for (const fill of Object.values(baselines)) fill(data, (x) => x.length);
    await renderer.renderVersion(source, data);
  }

  const kb = (s) => `${(Buffer.byteLength(s) / 1024).toFixed(1)} KB`;
  const sample = await renderer.renderVersion(source, recipients[0]);
  console.log(`newsletter: ${kb(mjml)} MJML -> ${kb(compiled.html)} HTML template; text part: ${compiled.textMode}`);
  console.log(`one message: subject "${sample.subject}", html ${kb(sample.html)}, text ${kb(sample.text)}`);
  console.log(`compile once (MJML + Handlebars + text template): ${compileMs.toFixed(0)} ms`);
  console.log(`recipients: ${RECIPIENTS} per run, ${ROUNDS} alternating rounds of renderer and baseline`);

  for (const materialize of [false, true]) {
    const { rendererRate, baselineRates } = await measure(renderer, source, baselines, recipients, materialize);
    console.log(materialize ? '\nstrings materialised (as any consumer, e.g. SMTP, would):' : '\nfill only (V8 leaves concatenated strings unjoined):');
    console.log(`  renderer (subject + html + text): ${rendererRate.toFixed(0)} renders/s`);
    for (const [name, rate] of Object.entries(baselineRates)) {
      console.log(`  baseline ${name}: ${rate.toFixed(0)} renders/s   ratio renderer/baseline ${(rendererRate / rate).toFixed(2)}`);
    }
  }
  console.log('\ngoal: renderer >= 0.5 of the baseline');
  console.log(`\nMJML calls: ${compiler.calls}`);
  if (compiler.calls !== 1) process.exitCode = 1;
}

async function measure(renderer, source, baselines, recipients, materialize) {
  const use = materialize ? joined : (s) => s.length & 1;
  const perRound = Math.ceil(recipients.length / ROUNDS);
  let rendererNs = 0n;
  const baselineNs = Object.fromEntries(Object.keys(baselines).map((name) => [name, 0n]));
  let check = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const batch = recipients.slice(round * perRound, (round + 1) * perRound);
    let t;
    for (const [name, fill] of Object.entries(baselines)) {
      t = process.hrtime.bigint();
      for (const data of batch) check += fill(data, use);
      baselineNs[name] += process.hrtime.bigint() - t;
    }

    t = process.hrtime.bigint();
    for (const data of batch) {
      const message = await renderer.renderVersion(source, data);
      check += use(message.html) + use(message.text) + use(message.subject);
    }
    rendererNs += process.hrtime.bigint() - t;
  }
  if (check < 0) console.log(check); // keeps the results alive
  const rate = (ns) => recipients.length / (Number(ns) / 1e9);
  const baselineRates = Object.fromEntries(Object.entries(baselineNs).map(([name, ns]) => [name, rate(ns)]));
  return { rendererRate: rate(rendererNs), baselineRates };
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
