/**
 * npm run bench:hostile — what hostile requests cost the service, and whether others wait meanwhile.
 *
 * Boots the built service as `npm start` runs it (SQLite in a scratch folder, the Redis at REDIS_URL) and sends,
 * one at a time, the requests that used to freeze it or answer 500 (issue 11): 90,000 keys under the 1 MB limit
 * (class-transformer's cost grows with the square of the key count), JSON nested 3,000 deep, `?page=1e300`,
 * nested `{{#each}}` loops in a preview, a body of the wrong type, a raw bounce of 100,000 MIME parts, and 30 wrong
 * sign-ins at once (all that one client address may make; each password check is bcrypt's). While
 * each one is answered, a second client polls /health without pause; the slowest /health answer is what anyone
 * else waited. Goal: every one a 4xx naming the problem (but the bounce, which is no bounce at all: the contract's
 * `200 {results: []}`), and no /health answer slower than 1 s.
 */
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { freePort, startService, stopService, waitForHealth, call, report, formatNumber } = require('./support');

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN = { email: 'bench-admin@example.com', password: 'bench admin password' };
const HEALTH_GOAL_MS = 1000;

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'mc-bench-hostile-'));
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const child = startService({
    PORT: String(port),
    DATA_DIR: join(work, 'data'),
    REDIS_URL,
    QUEUE_PREFIX: `mcbench-hostile-${process.pid}`,
    LOG_LEVEL: 'warn',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
  });
  try {
    await waitForHealth(api, child);
    const { accessToken } = await call(api, 'POST', '/api/auth/login', { json: ADMIN });
    const { key } = await call(api, 'POST', '/api/api-keys', { token: accessToken, json: { name: 'bench', scopes: ['events:ingest'] } });
    const rows = [];
    for (const probe of probes(accessToken, key)) rows.push(await measure(api, probe));
    const lines = rows.map(
      (r) =>
        `${r.name.padEnd(46)} ${r.statuses.join('/').padStart(3)} in ${formatNumber(r.ms).padStart(5)} ms; /health ${String(r.health.length).padStart(3)}x, ` +
        `slowest ${formatNumber(Math.max(0, ...r.health)).padStart(4)} ms  ${r.message.slice(0, 90)}`,
    );
    report(lines, [
      ['every hostile request answered 4xx (the bounce that is none: 200, no results)', rows.every(answeredAsExpected)],
      [`no /health answer slower than ${HEALTH_GOAL_MS} ms meanwhile`, rows.every((r) => Math.max(0, ...r.health) < HEALTH_GOAL_MS)],
    ]);
  } finally {
    await stopService(child);
    rmSync(work, { recursive: true, force: true });
  }
}

function probes(token, key) {
  const json = (body) => ({ headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const bearer = (t, init = {}) => ({ ...init, headers: { ...init.headers, authorization: `Bearer ${t}` } });
  const manyKeys = Object.fromEntries(Array.from({ length: 90_000 }, (_, i) => [`k${i}`, 1]));
  const thousand = Array.from({ length: 1000 }, (_, i) => i);
  const loops = '{{#each a}}{{#each ../a}}{{#each ../../a}}x{{/each}}{{/each}}{{/each}}';
  const parts = Array.from({ length: 100_000 }, () => '--b\r\n\r\n').join('');
  return [
    { name: '90,000 keys to /api/public/subscribe', method: 'POST', path: '/api/public/subscribe', init: json(manyKeys) },
    { name: '90,000 keys to /api/auth/login', method: 'POST', path: '/api/auth/login', init: json(manyKeys) },
    { name: 'JSON nested 3,000 deep (anonymous)', method: 'POST', path: '/api/public/preferences-link', init: json('['.repeat(3000) + ']'.repeat(3000)) },
    { name: '?page=1e300 on /api/subscribers', method: 'GET', path: '/api/subscribers?page=1e300', init: bearer(token) },
    {
      name: 'preview with {{#each}} nested 1000^3',
      method: 'POST',
      path: '/api/templates/preview',
      init: bearer(token, json({ mjml: `<mjml><mj-body><mj-section><mj-column><mj-text>${loops}</mj-text></mj-column></mj-section></mj-body></mjml>`, data: { a: thousand } })),
    },
    { name: 'text/plain body to /api/public/subscribe', method: 'POST', path: '/api/public/subscribe', init: { headers: { 'content-type': 'text/plain' }, body: 'email=a@example.com' } },
    {
      name: 'raw bounce of 100,000 MIME parts',
      method: 'POST',
      path: '/api/events/bounces',
      init: bearer(key, { headers: { 'content-type': 'message/rfc822' }, body: `Content-Type: multipart/mixed; boundary=b\r\n\r\n${parts}--b--\r\n` }),
      // The contract: a message that is no bounce is `200 {results: []}` (the MTA must not send it again).
      expect: { status: 200, body: (json) => Array.isArray(json.results) && json.results.length === 0 },
    },
    // Last: it spends this client address's sign-in attempts. Unknown accounts, so each is checked against bcrypt.
    {
      name: '30 wrong sign-ins at once (one address\'s all)',
      method: 'POST',
      path: '/api/auth/login',
      count: 30,
      init: (i) => json({ email: `nobody-${i}@example.com`, password: 'not the password' }),
    },
  ];
}

/** Sends one request while another client polls /health back to back; the poll's answers show what others waited. */
async function measure(api, probe) {
  const health = [];
  let done = false;
  const poll = (async () => {
    while (!done) {
      const t = performance.now();
      await fetch(`${api}/health`).then((r) => r.text(), () => '');
      health.push(performance.now() - t);
    }
  })();
  const started = performance.now();
  // `count` requests at once (init a function of the request's index), else one; the last one's answer is shown.
  const answers = await Promise.all(
    Array.from({ length: probe.count ?? 1 }, async (_, i) => {
      const res = await fetch(`${api}${probe.path}`, { method: probe.method, ...(probe.count ? probe.init(i) : probe.init) });
      return { status: res.status, text: await res.text() };
    }),
  );
  const ms = performance.now() - started;
  const { text } = answers[answers.length - 1];
  const statuses = [...new Set(answers.map((a) => a.status))];
  done = true;
  await poll;
  let message = text;
  try {
    const m = JSON.parse(text).message;
    if (m !== undefined) message = Array.isArray(m) ? m.join('; ') : String(m);
  } catch {
    // not JSON: the raw text
  }
  return { name: probe.name, expect: probe.expect, statuses, text, ms, health, message: message.replace(/\s+/g, ' ') };
}

/** A 4xx to every request of the probe, or exactly the answer it expects. */
function answeredAsExpected(r) {
  if (!r.expect) return r.statuses.every((s) => s >= 400 && s < 500);
  if (r.statuses.length !== 1 || r.statuses[0] !== r.expect.status) return false;
  try {
    return r.expect.body(JSON.parse(r.text));
  } catch {
    return false;
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
