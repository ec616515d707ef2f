import { getQueueToken } from '@nestjs/bull';
import { Queue } from 'bull';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Import } from '../src/imports/import.entity';
import { ImportRunner } from '../src/imports/import-runner';
import { ImportsService } from '../src/imports/imports.service';
import { QueueName } from '../src/queues/queues';
import { Subscription } from '../src/subscribers/subscription.entity';
import { MailingList } from '../src/lists/list.entity';
import { emailKeyOf, Subscriber } from '../src/subscribers/subscriber.entity';
import { makeApiKey, makeList, makeSubscriber, membershipsOf, uniqueTag } from './support/factories';
import { createTestApp, TestApp } from './support/test-app';

interface ImportBody {
  id: string;
  status: string;
  total: number;
  imported: number;
  updated: number;
  skipped: number;
  errors: { row: number; message: string }[];
  failure: string | null;
}

describe('imports (e2e)', () => {
  let t: TestApp;
  let editor: string;
  let viewer: string;
  let list: MailingList;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const uploads = () => readdirSync(join(t.config.dataDir, 'uploads'));
  /** The job deletes its upload just after it records the end: wait for that (with a deadline). */
  const uploadsOnceSettled = async () => {
    for (const deadline = Date.now() + 60_000; uploads().length > 0 && Date.now() < deadline;)
      await new Promise((r) => setTimeout(r, 50));
    return uploads();
  };

  const upload = (csv: string | Buffer, fields: Record<string, string>, token = editor) => {
    const req = t.http().post('/api/imports').set(auth(token));
    for (const [name, value] of Object.entries(fields)) req.field(name, value);
    return req.attach('file', Buffer.isBuffer(csv) ? csv : Buffer.from(csv), 'people.csv');
  };

  /** Polls GET /api/imports/:id until the import is done or failed (or the deadline passes). */
  const finished = async (id: string, token = viewer): Promise<ImportBody> => {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const res = await t.http().get(`/api/imports/${id}`).set(auth(token)).expect(200);
      if (res.body.status === 'done' || res.body.status === 'failed') return res.body;
      if (Date.now() > deadline) throw new Error(`import ${id} still ${res.body.status} after 90 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const importCsv = async (csv: string, fields: Record<string, string>) =>
    finished((await upload(csv, fields).expect(202)).body.id);
  const subscriberOf = (email: string) =>
    t.app
      .get(DataSource)
      .getRepository(Subscriber)
      .findOneBy({ emailKey: emailKeyOf(email) });

  beforeAll(async () => {
    t = await createTestApp();
    editor = await t.tokenFor('editor');
    viewer = await t.tokenFor('viewer');
    list = await makeList(t);
  });
  afterAll(() => t.close());

  it('imports the good rows, reports each bad row with its number, and keeps unknown columns as attributes', async () => {
    const tag = uniqueTag();
    const csv = [
      'Email, Name ,city,plan', //                                     row 1
      `ada-${tag}@example.com,Ada Lovelace,London,pro`, //              row 2
      `not-an-address,Nobody,Paris,free`, //                           row 3: invalid address
      `grace-${tag}@example.com,,Arlington,`, //                        row 4
      '', //                                                           row 5: blank, ignored
      `ADA-${tag}@Example.com,Ada Again,Leeds,free`, //                 row 6: duplicate of row 2
      `big-${tag}@example.com,Big,${'x'.repeat(17 * 1024)},free`, //    row 7: attributes over 16 KB
      `short-${tag}@example.com,Short`, //                              row 8: wrong column count
      `"alan-${tag}@example.com","Alan ""A."" Turing","Wilmslow,UK",team`, // row 9
    ].join('\r\n');
    const res = await upload(csv, { listIds: list.id, mode: 'subscribe' }).expect(202);
    expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    const done = await finished(res.body.id);
    expect(done).toMatchObject({
      id: res.body.id,
      status: 'done',
      total: 7,
      imported: 3,
      updated: 0,
      skipped: 4,
      failure: null,
    });
    expect(done.errors).toEqual([
      { row: 3, message: '"not-an-address" is not a valid email address' },
      { row: 6, message: `ADA-${tag}@Example.com is already in row 2` },
      { row: 7, message: expect.stringMatching(/^attributes must be at most 16 KB as JSON/) },
      { row: 8, message: 'the row has 2 columns, the header has 4' },
    ]);

    const ada = await subscriberOf(`ada-${tag}@example.com`);
    expect(ada).toMatchObject({
      email: `ada-${tag}@example.com`,
      name: 'Ada Lovelace',
      attributes: { city: 'London', plan: 'pro' },
      status: 'enabled',
    });
    expect(await membershipsOf(t, ada!.id)).toEqual([{ listId: list.id, status: 'confirmed' }]);
    expect(await subscriberOf(`grace-${tag}@example.com`)).toMatchObject({
      name: '',
      attributes: { city: 'Arlington' },
    });
    expect(await subscriberOf(`alan-${tag}@example.com`)).toMatchObject({
      name: 'Alan "A." Turing',
      attributes: { city: 'Wilmslow,UK', plan: 'team' },
    });
    expect(await subscriberOf(`big-${tag}@example.com`)).toBeNull();
    expect(await subscriberOf(`short-${tag}@example.com`)).toBeNull();
    // The upload is deleted once the import is done.
    expect(await uploadsOnceSettled()).toEqual([]);
  });

  it('keeps the first 1,000 row errors while skipped counts them all', async () => {
    const bad = Array.from({ length: 1005 }, (_, i) => `bad-${i}`);
    const done = await importCsv(`email\n${bad.join('\n')}\ngood-${uniqueTag()}@example.com\n`, { listIds: list.id });
    expect(done).toMatchObject({ status: 'done', total: 1006, imported: 1, skipped: 1005 });
    expect(done.errors).toHaveLength(1000);
    expect(done.errors[999]).toEqual({ row: 1001, message: '"bad-999" is not a valid email address' });
  });

  it('updates on re-import instead of duplicating: name replaced when given, attributes merged', async () => {
    const tag = uniqueTag();
    const first = await importCsv(
      `email,name,city,plan\nkim-${tag}@example.com,Kim,Oslo,free\nlee-${tag}@example.com,Lee,Rome,pro\n`,
      {
        listIds: list.id,
      },
    );
    expect(first).toMatchObject({ status: 'done', imported: 2, updated: 0 });

    const again = await importCsv(
      `EMAIL,name,plan,team\nKim-${tag}@EXAMPLE.com,,pro,red\nlee-${tag}@example.com,Lee Chang,,blue\nnew-${tag}@example.com,New,,\n`,
      {
        listIds: list.id,
      },
    );
    expect(again).toMatchObject({ status: 'done', total: 3, imported: 1, updated: 2, skipped: 0, errors: [] });

    const rows = await t.app
      .get(DataSource)
      .getRepository(Subscriber)
      .findBy([{ emailKey: `kim-${tag}@example.com` }, { emailKey: `lee-${tag}@example.com` }]);
    expect(rows).toHaveLength(2);
    const kim = rows.find((r) => r.emailKey.startsWith('kim'))!;
    const lee = rows.find((r) => r.emailKey.startsWith('lee'))!;
    expect(kim).toMatchObject({
      email: `kim-${tag}@example.com`,
      name: 'Kim',
      attributes: { city: 'Oslo', plan: 'pro', team: 'red' },
    });
    expect(lee).toMatchObject({ name: 'Lee Chang', attributes: { city: 'Rome', plan: 'pro', team: 'blue' } });
    expect(await membershipsOf(t, kim.id)).toEqual([{ listId: list.id, status: 'confirmed' }]);
  });

  it('never brings back someone who left: unsubscribed stays unsubscribed, blocklisted stays blocklisted', async () => {
    const other = await makeList(t);
    const left = await makeSubscriber(t, { lists: { [list.id]: 'unsubscribed' } });
    const blocked = await makeSubscriber(t, { status: 'blocklisted' });
    const pending = await makeSubscriber(t, { lists: { [list.id]: 'unconfirmed' } });
    const [first, second] = [list.id, other.id].sort();

    const done = await importCsv(`email\n${left.email}\n${blocked.email}\n${pending.email}\n`, {
      listIds: `${list.id}, ${other.id}`,
    });
    expect(done).toMatchObject({ status: 'done', imported: 0, updated: 3, skipped: 0 });

    const expectLeft = [first, second].map((listId) => ({
      listId,
      status: listId === list.id ? 'unsubscribed' : 'confirmed',
    }));
    expect(await membershipsOf(t, left.id)).toEqual(expectLeft);
    expect(await subscriberOf(blocked.email)).toMatchObject({ status: 'blocklisted' });
    expect(await membershipsOf(t, blocked.id)).toEqual([]);
    // The editor vouches for consent by importing: a pending membership is confirmed.
    expect(await membershipsOf(t, pending.id)).toEqual(
      [first, second].map((listId) => ({ listId, status: 'confirmed' })),
    );
  });

  it('blocklist mode blocklists known and new addresses and unsubscribes them from every list', async () => {
    const tag = uniqueTag();
    const other = await makeList(t);
    const known = await makeSubscriber(t, {
      name: 'Known',
      lists: { [list.id]: 'confirmed', [other.id]: 'unconfirmed' },
    });

    const done = await importCsv(`email,reason\n${known.email},asked\nstranger-${tag}@example.com,complaint\n`, {
      mode: 'blocklist',
    });
    expect(done).toMatchObject({ status: 'done', total: 2, imported: 1, updated: 1, skipped: 0 });

    expect(await subscriberOf(known.email)).toMatchObject({
      status: 'blocklisted',
      name: 'Known',
      attributes: { reason: 'asked' },
    });
    expect((await membershipsOf(t, known.id)).map((m) => m.status)).toEqual(['unsubscribed', 'unsubscribed']);
    const stranger = await subscriberOf(`stranger-${tag}@example.com`);
    expect(stranger).toMatchObject({ status: 'blocklisted', attributes: { reason: 'complaint' } });
    expect(await membershipsOf(t, stranger!.id)).toEqual([]);
  });

  it('blocklist mode records the given lists as unsubscribed memberships', async () => {
    const tag = uniqueTag();
    const done = await importCsv(`email\nquiet-${tag}@example.com\n`, { mode: 'blocklist', listIds: list.id });
    expect(done).toMatchObject({ status: 'done', imported: 1 });
    const quiet = await subscriberOf(`quiet-${tag}@example.com`);
    expect(await membershipsOf(t, quiet!.id)).toEqual([{ listId: list.id, status: 'unsubscribed' }]);
  });

  it('is safe to run again, as a retry does: the second run only updates', async () => {
    const tag = uniqueTag();
    const path = join(t.db.dataDir, `rerun-${tag}.csv`);
    writeFileSync(
      path,
      `email,name,city\nr1-${tag}@example.com,One,Oslo\nr2-${tag}@example.com,Two,Rome\nr3-${tag}@example.com,,\n`,
    );
    const repo = t.app.get(DataSource).getRepository(Import);
    const job = await repo.save(
      repo.create({
        status: 'queued',
        mode: 'subscribe',
        listIds: [list.id],
        filePath: path,
        fileName: 'rerun.csv',
        errors: [],
        failure: null,
        createdAt: new Date(),
      }),
    );
    const run = async () => t.app.get(ImportRunner).run((await t.app.get(ImportsService).begin(job.id))!);

    expect(await run()).toMatchObject({ total: 3, imported: 3, updated: 0, skipped: 0 });
    expect(await run()).toMatchObject({ total: 3, imported: 0, updated: 3, skipped: 0 });

    const keys = [1, 2, 3].map((i) => `r${i}-${tag}@example.com`);
    const rows = await t.app
      .get(DataSource)
      .getRepository(Subscriber)
      .findBy(keys.map((emailKey) => ({ emailKey })));
    expect(rows).toHaveLength(3);
    const memberships = await t.app
      .get(DataSource)
      .getRepository(Subscription)
      .findBy(rows.map((r) => ({ subscriberId: r.id })));
    expect(memberships.map((m) => m.status)).toEqual(['confirmed', 'confirmed', 'confirmed']);
  });

  it('fails an import whose list was deleted before the job ran, and shows it queued until then', async () => {
    const doomed = await makeList(t);
    const queue = t.app.get<Queue>(getQueueToken(QueueName.Imports), { strict: false });
    await queue.pause();
    try {
      const res = await upload(`email\nlate-${uniqueTag()}@example.com\n`, { listIds: doomed.id }).expect(202);
      const queued = await t.http().get(`/api/imports/${res.body.id}`).set(auth(viewer)).expect(200);
      expect(queued.body).toMatchObject({
        status: 'queued',
        total: 0,
        imported: 0,
        updated: 0,
        skipped: 0,
        errors: [],
      });
      await t.app.get(DataSource).getRepository(MailingList).delete({ id: doomed.id });
      await queue.resume();
      const done = await finished(res.body.id);
      expect(done).toMatchObject({ status: 'failed', failure: `List ${doomed.id} does not exist`, imported: 0 });
      expect(await uploadsOnceSettled()).toEqual([]);
    } finally {
      await queue.resume();
    }
  });

  it('fails an import whose quote is never closed, keeping the rows before it and saying where', async () => {
    const tag = uniqueTag();
    const done = await importCsv(
      `email,name\nfirst-${tag}@example.com,First\nsecond-${tag}@example.com,"Second\nthird-${tag}@example.com,Third\n`,
      {
        listIds: list.id,
      },
    );
    expect(done.status).toBe('failed');
    expect(done.failure).toMatch(/^row 3: Quote Not Closed/);
    expect(await subscriberOf(`first-${tag}@example.com`)).not.toBeNull();
    expect(await uploadsOnceSettled()).toEqual([]);
  });

  describe('refusals', () => {
    it('400 for a file that is not CSV, and the upload is deleted', async () => {
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
      const res = await upload(png, { listIds: list.id }).expect(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        message: 'file: the file is not CSV text (it holds binary data)',
      });
      const noEmail = await upload('mail,name\na@example.com,A\n', { listIds: list.id }).expect(400);
      expect(noEmail.body.message).toBe('file: the first row of the CSV must be a header with an "email" column');
      expect(await uploadsOnceSettled()).toEqual([]);
    });

    it('400 without a file', async () => {
      const res = await t.http().post('/api/imports').set(auth(editor)).field('listIds', list.id).expect(400);
      expect(res.body.message).toMatch(/file is required/);
    });

    it('400 naming an unknown list, a list id that is not a UUID, a bad mode, or no list in subscribe mode', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      expect(
        (await upload('email\na@example.com\n', { listIds: `${list.id},${unknown}` }).expect(400)).body.message,
      ).toBe(`List ${unknown} does not exist`);
      expect((await upload('email\na@example.com\n', { listIds: 'nope' }).expect(400)).body.message).toMatch(/nope/);
      expect(
        (await upload('email\na@example.com\n', { listIds: list.id, mode: 'delete' }).expect(400)).body.message,
      ).toEqual(['mode must be "subscribe" or "blocklist"']);
      expect((await upload('email\na@example.com\n', {}).expect(400)).body.message).toMatch(
        /listIds must name at least one list/,
      );
      expect(await uploadsOnceSettled()).toEqual([]);
    });

    it('401 without credentials, 403 for a viewer and for an API key without subscribers:write', async () => {
      await t.http().post('/api/imports').attach('file', Buffer.from('email\n'), 'a.csv').expect(401);
      await upload('email\na@example.com\n', { listIds: list.id }, viewer).expect(403);
      const wrongKey = await makeApiKey(t, ['transactional:send']);
      await upload('email\na@example.com\n', { listIds: list.id }, wrongKey).expect(403);
      expect(await uploadsOnceSettled()).toEqual([]);
    });

    it('404 for an unknown import, 400 for an id that is not a UUID', async () => {
      await t.http().get('/api/imports/00000000-0000-4000-8000-000000000000').set(auth(viewer)).expect(404);
      await t.http().get('/api/imports/abc').set(auth(viewer)).expect(400);
    });
  });

  it('an API key with subscribers:write can import, and with subscribers:read too, follow it', async () => {
    const key = await makeApiKey(t, ['subscribers:write', 'subscribers:read']);
    const tag = uniqueTag();
    const res = await upload(`email\nby-key-${tag}@example.com\n`, { listIds: list.id }, key).expect(202);
    expect(await finished(res.body.id, key)).toMatchObject({ status: 'done', imported: 1 });
  });

  it('lists imports newest first, with their counts', async () => {
    const first = await importCsv(`email\nlist-a-${uniqueTag()}@example.com\n`, { listIds: list.id });
    const second = await importCsv(`email\nlist-b-${uniqueTag()}@example.com\n`, { listIds: list.id });
    const res = await t.http().get('/api/imports').query({ limit: 2 }).set(auth(viewer)).expect(200);
    expect(res.body).toMatchObject({ page: 1, limit: 2, total: expect.any(Number) });
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([second.id, first.id]);
    expect(res.body.items[0]).toMatchObject({ status: 'done', total: 1, imported: 1, fileName: 'people.csv' });
  });
});
