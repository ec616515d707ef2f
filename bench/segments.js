#!/usr/bin/env node
/**
 * Segment benchmark (npm run bench:segments, after a build), on PostgreSQL.
 *
 * 1. starts the built service on a scratch database (its migrations make the schema), then fills it with
 *    INSERT … SELECT generate_series: SUBSCRIBERS subscribers (attribute `plan`: one in five "pro"), two list
 *    memberships each (everyone on "All", the rest spread over three lists), EVENTS open and click events on
 *    EVENTS / 2.5 campaign messages over the last 365 days (one open in five a privacy proxy's), and ORDERS orders
 *    from every third subscriber's address (half of those customers with two), then ANALYZE;
 * 2. saves the segment "plan = pro AND opened in the last 90 days AND ordered at least twice" and times
 *    GET /api/segments/:id/count (median of RUNS), with the service's and PostgreSQL's CPU per count;
 * 3. resolves two campaigns into their messages: one to the list "All" narrowed to the segment, one to a plain
 *    list holding exactly as many people (SEND_RATE=1, so sending hardly runs meanwhile): the time from the
 *    campaign's start to its `prepared_at`, and the CPU used, for each; the ratio is plain time / segment time;
 * 4. prints EXPLAIN (ANALYZE, BUFFERS) of the count and of the first audience page of each campaign.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), REDIS_URL (default
 * redis://127.0.0.1:6379), SUBSCRIBERS (1000000), EVENTS (5000000), ORDERS (300000), RUNS (5).
 * KEEP_DB=<name> keeps the filled database between runs, to iterate without filling again (minutes): the first run
 * creates and fills database <name> and marks it filled (a comment on the database naming the sizes); a later run
 * with the same name and sizes reuses it (the service's migrations run on it again, so new indexes are built), and
 * removes what each run adds (its campaigns and their messages, the plain list, the segment) before it ends.
 * A database of that name that is not marked filled with these sizes is dropped and filled again. Drop it when
 * done: psql -c 'DROP DATABASE <name> WITH (FORCE)'.
 * Exit code 1 when a goal is missed.
 */
'use strict';
const { randomBytes, randomUUID } = require('node:crypto');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { startService, stopService, waitForHealth, call, cpuSeconds, withClient, freePort, sleep, scratchStores, serviceEnv, runCleanups, report, formatNumber, dropRedisKeys } = require('./support');

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 1_000_000);
const EVENTS = Number(process.env.EVENTS ?? 5_000_000);
const MESSAGES = Math.round(EVENTS / 2.5);
const ORDERS = Number(process.env.ORDERS ?? 300_000);
const RUNS = Number(process.env.RUNS ?? 5);
const KEEP_DB = process.env.KEEP_DB ?? '';
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const GOALS = { countMs: 1000, ratio: 0.5 };
const ADMIN = { email: 'bench@example.com', password: 'bench password 123' };
const MJML = '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{subscriber.name}}</mj-text></mj-column></mj-section></mj-body></mjml>';
const RULES = [
  { field: 'attributes.plan', op: 'eq', value: 'pro' },
  { field: 'opened', op: 'within', value: 90 },
  { field: 'ordered', op: 'gte', value: 2 },
];

const log = (...args) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);
/** Deterministic ids, so the tables can name each other's rows inside one INSERT … SELECT. */
const sid = (expr) => `md5('s' || (${expr}))::uuid`;
const mid = (expr) => `md5('m' || (${expr}))::uuid`;

async function main() {
  const tag = randomBytes(4).toString('hex');
  const work = mkdtempSync(join(tmpdir(), 'mc-bench-'));
  const cleanups = [() => Promise.resolve(rmSync(work, { recursive: true, force: true }))];
  try {
    const { databaseUrl, queuePrefix, filled } = KEEP_DB
      ? await keptStores(tag, cleanups)
      : { ...(await scratchStores({ baseUrl: BASE_URL, redisUrl: REDIS_URL, tag, cleanups })), filled: false };
    const port = await freePort();
    const service = startService({
      ...serviceEnv({ port, databaseUrl, redisUrl: REDIS_URL, queuePrefix, work }),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SEND_RATE: '1',
    });
    cleanups.push(() => stopService(service));
    const api = `http://127.0.0.1:${port}`;
    await waitForHealth(api, service);
    const token = (await call(api, 'POST', '/api/auth/login', { json: ADMIN })).accessToken;
    const lists = [];
    if (filled) {
      const all = (await call(api, 'GET', '/api/lists?limit=100', { token })).items;
      for (const name of ['All', 'North', 'South', 'West']) lists.push(all.find((l) => l.name === name));
      log(`reusing the filled database ${KEEP_DB}`);
    } else {
      for (const name of ['All', 'North', 'South', 'West'])
        lists.push(await call(api, 'POST', '/api/lists', { token, json: { name, optIn: 'single' } }));
      const fillStart = Date.now();
      await withClient(databaseUrl, (c) => fill(c, lists.map((l) => l.id)));
      if (KEEP_DB) await withClient(BASE_URL, (c) => c.query(`COMMENT ON DATABASE ${KEEP_DB} IS '${FILLED_MARK}'`));
      log(`filled in ${((Date.now() - fillStart) / 1000).toFixed(0)} s`);
    }

    const segment = await call(api, 'POST', '/api/segments', { token, json: { name: 'Engaged pro buyers', match: 'all', rules: RULES } });
    if (KEEP_DB) cleanups.push(() => withClient(databaseUrl, (c) => forgetRun(c, segment.id)));
    await call(api, 'GET', `/api/segments/${segment.id}/count`, { token }); // warm the caches once
    const times = [];
    let count = 0;
    const cpuBefore = cpuSeconds(service.pid);
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      count = (await call(api, 'GET', `/api/segments/${segment.id}/count`, { token })).count;
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const cpuAfter = cpuSeconds(service.pid);
    const countMs = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
    const countCpu = (cpuAfter.service - cpuBefore.service + cpuAfter.postgres - cpuBefore.postgres) / RUNS;
    log(`count ${count}: median ${countMs.toFixed(0)} ms`);

    // A plain list with exactly as many members as the segment's audience.
    const plain = await call(api, 'POST', '/api/lists', { token, json: { name: 'Plain', optIn: 'single' } });
    await withClient(databaseUrl, (c) =>
      c.query(
        `INSERT INTO subscriptions (subscriber_id, list_id, status, confirmed_at)
         SELECT ${sid('i')}, $1, 'confirmed', now() FROM generate_series(1, $2::int) i`,
        [plain.id, count],
      ).then(() => c.query('ANALYZE subscriptions')),
    );
    const plainRun = await resolve(api, token, databaseUrl, service, { listIds: [plain.id] }, 'plain list');
    const segmentRun = await resolve(api, token, databaseUrl, service, { listIds: [lists[0].id], segmentId: segment.id }, 'segment');

    const plans = await withClient(databaseUrl, (c) => explainAll(c, segment, lists[0].id, plain.id));
    const load = require('node:os').loadavg().map((n) => n.toFixed(2)).join(' ');
    const ratio = segmentRun.ms ? plainRun.ms / segmentRun.ms : 0;
    const cpuRatio = segmentRun.cpu ? plainRun.cpu / segmentRun.cpu : 0;
    report(
      [
        `data: ${formatNumber(SUBSCRIBERS)} subscribers, ${formatNumber(SUBSCRIBERS * 2)} memberships, ${formatNumber(EVENTS)} open/click events on ${formatNumber(MESSAGES)} messages, ${formatNumber(ORDERS)} orders; load average ${load}`,
        `segment: ${RULES.map((r) => `${r.field} ${r.op} ${JSON.stringify(r.value)}`).join(' AND ')} → ${formatNumber(count)} people`,
        `count: median ${countMs.toFixed(0)} ms of ${RUNS} (${times.map((t) => t.toFixed(0)).join(', ')} ms); CPU per count ${(countCpu * 1000).toFixed(0)} ms (service + PostgreSQL)`,
        `resolve, plain list of ${formatNumber(plainRun.messages)}: ${plainRun.ms.toFixed(0)} ms, CPU ${plainRun.cpu.toFixed(2)} s`,
        `resolve, list "All" (${formatNumber(SUBSCRIBERS)}) narrowed to the segment, ${formatNumber(segmentRun.messages)} messages: ${segmentRun.ms.toFixed(0)} ms, CPU ${segmentRun.cpu.toFixed(2)} s`,
        `ratio (plain time / segment time): ${ratio.toFixed(2)}×; by CPU: ${cpuRatio.toFixed(2)}×`,
        '',
        plans,
      ],
      [
        [`count answers in under ${GOALS.countMs} ms (median)`, countMs < GOALS.countMs],
        [`resolving the segment runs at least ${GOALS.ratio}× as fast as the plain list`, ratio >= GOALS.ratio],
        ['both campaigns got as many messages as the segment counts', plainRun.messages === count && segmentRun.messages === count],
      ],
    );
  } finally {
    await runCleanups(cleanups, log);
  }
}

const FILLED_MARK = `segments bench: ${SUBSCRIBERS} subscribers, ${EVENTS} events, ${ORDERS} orders`;

/** KEEP_DB's database: reused when a run filled it with these sizes, else (re)created; never dropped here. */
async function keptStores(tag, cleanups) {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(KEEP_DB)) throw new Error('KEEP_DB: a lower-case database name');
  const filled = await withClient(BASE_URL, async (c) => {
    const row = (await c.query(`SELECT shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname = $1`, [KEEP_DB])).rows[0];
    if (row?.mark === FILLED_MARK) return true;
    if (row) await c.query(`DROP DATABASE ${KEEP_DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${KEEP_DB}`);
    return false;
  });
  const databaseUrl = new URL(BASE_URL);
  databaseUrl.pathname = `/${KEEP_DB}`;
  const queuePrefix = `mcbench-${tag}`;
  cleanups.push(() => dropRedisKeys(REDIS_URL, queuePrefix));
  return { databaseUrl: databaseUrl.toString(), queuePrefix, filled };
}

/** What one run added to a kept database: its campaigns and their messages, the plain list, the segment. */
async function forgetRun(c, segmentId) {
  await c.query(`DELETE FROM messages WHERE campaign_id IN (SELECT id FROM campaigns WHERE segment_id = $1 OR name = 'plain list')`, [segmentId]);
  await c.query(`DELETE FROM campaigns WHERE segment_id = $1 OR name = 'plain list'`, [segmentId]);
  await c.query(`DELETE FROM subscriptions WHERE list_id IN (SELECT id FROM lists WHERE name = 'Plain')`);
  await c.query(`DELETE FROM lists WHERE name = 'Plain'`);
  await c.query(`DELETE FROM segments WHERE id = $1`, [segmentId]);
}

async function fill(c, [all, ...others]) {
  const step = async (what, sql, params = []) => {
    const t0 = Date.now();
    await c.query(sql, params);
    log(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  };
  await step(
    'subscribers',
    `INSERT INTO subscribers (id, email, email_key, name, attributes, status, created_at, updated_at)
     SELECT ${sid('i')}, 'user' || i || '@bench.example', 'user' || i || '@bench.example', 'User ' || i,
            jsonb_build_object('plan', CASE WHEN i % 5 = 0 THEN 'pro' ELSE 'free' END, 'age', i % 80),
            'enabled', now() - (i % 1000) * interval '1 day', now()
       FROM generate_series(1, $1::int) i`,
    [SUBSCRIBERS],
  );
  await step(
    'memberships',
    `INSERT INTO subscriptions (subscriber_id, list_id, status, confirmed_at)
     SELECT ${sid('i')}, $2, 'confirmed', now() FROM generate_series(1, $1::int) i
     UNION ALL
     SELECT ${sid('i')}, ($3::uuid[])[1 + i % 3], 'confirmed', now() FROM generate_series(1, $1::int) i`,
    [SUBSCRIBERS, all, others],
  );
  // Messages of the last year, each to a subscriber; 2.5 events per message on average.
  await step(
    'messages',
    `INSERT INTO messages (id, stream, kind, campaign_id, subscriber_id, to_email, template, status, created_at, updated_at, sent_at)
     SELECT ${mid('i')}, 'campaign', 'campaign', NULL, ${sid('1 + (i * 7) % $2::int')}, 'user' || (1 + (i * 7) % $2::int) || '@bench.example',
            'campaign', 'sent', now() - (i % 365) * interval '1 day', now(), now() - (i % 365) * interval '1 day'
       FROM generate_series(1, $1::int) i`,
    [MESSAGES, SUBSCRIBERS],
  );
  // Four events in five are opens (one open in five a privacy proxy's), the rest clicks; spread over the year.
  await step(
    'events',
    `INSERT INTO message_events (id, message_id, type, at, detail)
     SELECT gen_random_uuid(), ${mid('1 + i % $2::int')}, CASE WHEN i % 5 = 0 THEN 'clicked' ELSE 'opened' END,
            now() - ((i * 13) % 365) * interval '1 day',
            CASE WHEN i % 5 = 0 THEN '{"scanner": false}'::jsonb
                 ELSE jsonb_build_object('machine', i % 25 = 1) END
       FROM generate_series(1, $1::int) i`,
    [EVENTS, MESSAGES],
  );
  // Customers: every third subscriber's address, ORDERS / 1.5 of them, so half of them have two orders.
  await step(
    'orders',
    `INSERT INTO orders (id, order_id, email_key, email, status, ordered_at, total, currency, items, statuses)
     SELECT gen_random_uuid(), 'O-' || i, 'user' || c || '@bench.example', 'user' || c || '@bench.example',
            CASE WHEN i % 10 = 0 THEN 'delivered' ELSE 'placed' END, now() - (i % 700) * interval '1 day',
            10 + i % 90, 'EUR', '["Tea", "Cup"]'::jsonb, '{}'::jsonb
       FROM (SELECT i, 1 + ((i % ($1::int * 2 / 3)) * 3) % $2::int AS c FROM generate_series(1, $1::int) i) x`,
    [ORDERS, SUBSCRIBERS],
  );
  // VACUUM too: a live database's autovacuum keeps the visibility map set, so index-only scans skip the heap.
  for (const table of ['subscribers', 'subscriptions', 'messages', 'message_events', 'orders'])
    await step(`vacuum analyze ${table}`, `VACUUM ANALYZE ${table}`);
  await step('analyze', 'ANALYZE');
}

/** Creates and sends a campaign, waits for its audience to be resolved, cancels it; the resolve time and CPU. */
async function resolve(api, token, databaseUrl, service, audience, label) {
  const campaign = await call(api, 'POST', '/api/campaigns', { token, json: { name: label, subject: 'Bench', mjml: MJML, ...audience } });
  const before = cpuSeconds(service.pid);
  await call(api, 'POST', `/api/campaigns/${campaign.id}/send`, { token, json: {} });
  let row;
  for (;;) {
    row = await withClient(databaseUrl, (c) =>
      c.query('SELECT started_at, prepared_at FROM campaigns WHERE id = $1', [campaign.id]).then((r) => r.rows[0]),
    );
    if (row.prepared_at) break;
    await sleep(200);
  }
  const after = cpuSeconds(service.pid);
  await call(api, 'POST', `/api/campaigns/${campaign.id}/cancel`, { token, json: {} });
  const messages = await withClient(databaseUrl, (c) =>
    c.query('SELECT COUNT(*)::int AS n FROM messages WHERE campaign_id = $1', [campaign.id]).then((r) => r.rows[0].n),
  );
  const ms = row.prepared_at.getTime() - row.started_at.getTime();
  log(`${label}: ${messages} messages resolved in ${ms} ms`);
  return { ms, messages, cpu: after.service - before.service + after.postgres - before.postgres };
}

/**
 * EXPLAIN ANALYZE, with the service's own SQL, of: the count; the snapshot a segment's resolve takes once (its
 * SELECT); the first audience page read from that snapshot (its 1,000 ids, then their eligible members); the first
 * page of the plain list. The snapshot is taken inside a transaction that is rolled back.
 */
async function explainAll(c, segment, allListId, plainListId) {
  const { segmentCondition } = require('../dist/segments/segment-sql');
  const { POSTGRES_SEGMENT_SQL } = require('../dist/segments/segment-dialects');
  const { parseRules } = require('../dist/segments/segment-rules');
  const cond = segmentCondition(parseRules(segment.rules), segment.match, POSTGRES_SEGMENT_SQL, new Date());
  const params = [];
  const sql = cond.sql.replace(/:(seg\d+)/g, (_, name) => {
    params.push(cond.params[name]);
    return `$${params.length}`;
  });
  const member = (listId) =>
    `EXISTS (SELECT 1 FROM subscriptions x WHERE x.subscriber_id = s.id AND x.list_id IN ('${listId}') AND x.status = 'confirmed')`;
  const page = (listId, where) =>
    `SELECT s.id, s.email, s.name FROM subscribers s WHERE s.status = 'enabled' AND ${member(listId)}
       ${where} ORDER BY s.id LIMIT 1000`;
  const explain = async (title, text, values) => {
    // (a line naming the page's 1,000 ids is cut short)
    const rows = (await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values)).rows.map((r) => r['QUERY PLAN']).map((l) => (l.length > 240 ? `${l.slice(0, 240)} …` : l));
    return [`── ${title}`, ...rows].join('\n');
  };
  const out = [await explain('count of the segment (GET /api/segments/:id/count)', `SELECT COUNT(*) FROM subscribers s WHERE ${sql}`, params)];
  const snapshotId = randomUUID();
  const take = `SELECT s.id, '${snapshotId}'::uuid FROM subscribers s WHERE s.status = 'enabled' AND ${member(allListId)} AND ${sql}`;
  out.push(await explain("the segment's snapshot, taken once per resolve (its SELECT)", take, params));
  await c.query('BEGIN');
  try {
    await c.query(`INSERT INTO segment_snapshots (id, taken_at) VALUES ($1, now())`, [snapshotId]);
    await c.query(`INSERT INTO segment_snapshot_members (subscriber_id, snapshot_id) ${take}`, params);
    await c.query('ANALYZE segment_snapshot_members'); // as SegmentSnapshotRepository.take does
    const ids = `SELECT subscriber_id FROM segment_snapshot_members WHERE snapshot_id = '${snapshotId}' ORDER BY subscriber_id LIMIT 1000`;
    out.push(await explain("first audience page of the segment: the snapshot's first 1,000 ids", ids, []));
    const first = (await c.query(ids)).rows.map((r) => r.subscriber_id);
    out.push(await explain('… and those of them still eligible', page(allListId, 'AND s.id = ANY($1::uuid[])'), [first]));
  } finally {
    await c.query('ROLLBACK');
  }
  out.push(await explain('first audience page, plain list', page(plainListId, ''), []));
  return out.join('\n\n');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
