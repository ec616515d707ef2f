import { getQueueToken } from '@nestjs/bull';
import { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { JobName, QueueName } from '../src/queues/queues';
import { Subscriber } from '../src/subscribers/subscriber.entity';
import { makeApiKey, makeList, makeSubscriber, membershipsOf, uniqueTag } from './support/factories';
import { createTestApp, TestApp } from './support/test-app';

const MISSING = '00000000-0000-4000-8000-000000000000';
const byListId = (a: { listId: string }, b: { listId: string }) => (a.listId < b.listId ? -1 : 1);

describe('subscribers (e2e)', () => {
  let t: TestApp;
  let editor: string;
  let viewer: string;
  let systemMail: Queue;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const post = (body: unknown) =>
    t
      .http()
      .post('/api/subscribers')
      .set(auth(editor))
      .send(body as object);
  const patch = (id: string, body: unknown) =>
    t
      .http()
      .patch(`/api/subscribers/${id}`)
      .set(auth(editor))
      .send(body as object);
  const search = async (text: string) =>
    (await t.http().get('/api/subscribers').query({ search: text }).set(auth(viewer)).expect(200)).body as {
      total: number;
      items: { id: string; email: string }[];
    };

  /** Confirmation jobs for one subscriber, wherever they are in the queue. */
  const confirmJobs = async (subscriberId: string) =>
    (await systemMail.getJobs(['waiting', 'paused', 'active', 'delayed', 'completed', 'failed'])).filter(
      (j) => j && j.name === JobName.SendSubscriptionConfirm && j.data.subscriberId === subscriberId,
    );

  beforeAll(async () => {
    t = await createTestApp();
    editor = await t.tokenFor('editor');
    viewer = await t.tokenFor('viewer');
    systemMail = t.app.get<Queue>(getQueueToken(QueueName.SystemMail), { strict: false });
    // Keep queued jobs where the test can see them, whatever worker this app runs for the queue.
    await systemMail.pause();
  });
  afterAll(() => t.close());

  describe('POST /api/subscribers', () => {
    it('creates a subscriber and answers 201 with the contract shape', async () => {
      const email = `Ada.${uniqueTag()}@Example.com`;
      const res = await post({
        email: `  ${email} `,
        name: ' Ada Lovelace ',
        attributes: { city: 'London', orders: 3, tags: ['vip'], address: { zip: 'N1' } },
      }).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email,
        name: 'Ada Lovelace',
        attributes: { city: 'London', orders: 3, tags: ['vip'], address: { zip: 'N1' } },
        status: 'enabled',
        lists: [],
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      });
      const stored = await t.app.get(DataSource).getRepository(Subscriber).findOneByOrFail({ id: res.body.id });
      expect(stored.emailKey).toBe(email.toLowerCase());
      expect((await t.http().get(`/api/subscribers/${res.body.id}`).set(auth(viewer)).expect(200)).body).toEqual(
        res.body,
      );
    });

    it('defaults name to empty, attributes to {} and status to enabled; accepts status blocklisted', async () => {
      const plain = await post({ email: `plain-${uniqueTag()}@example.com` }).expect(201);
      expect(plain.body).toMatchObject({ name: '', attributes: {}, status: 'enabled', lists: [] });
      const blocked = await post({ email: `blocked-${uniqueTag()}@example.com`, status: 'blocklisted' }).expect(201);
      expect(blocked.body.status).toBe('blocklisted');
    });

    it('answers 409 for the same address in another case and with spaces, and keeps the first', async () => {
      const tag = uniqueTag();
      const first = await post({ email: `grace-${tag}@example.com`, name: 'First' }).expect(201);
      const res = await post({ email: `  GRACE-${tag}@EXAMPLE.COM `, name: 'Second' }).expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      expect(res.body.message).toContain(`GRACE-${tag}@EXAMPLE.COM`);
      const found = await search(`grace-${tag}`);
      expect(found.total).toBe(1);
      expect(found.items[0].id).toBe(first.body.id);
    });

    it.each([
      ['not an address', 'not-an-email'],
      ['no domain dot', 'someone@localhost'],
      ['two @', 'a@b@example.com'],
      ['a display name', 'Ada <ada@example.com>'],
      ['a header injection', 'ada@example.com\r\nBcc: victim@example.com'],
      ['a trailing line break', 'ada@example.com\n'],
      ['over 320 characters', `${'a'.repeat(64)}@${'d'.repeat(250)}.example.com`],
      ['a number', 12345],
      ['null', null],
    ])('refuses an email that is %s with 400 naming email', async (_, email) => {
      const res = await post({ email }).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(JSON.stringify(res.body.message)).toContain('email');
    });

    it('refuses a missing email with 400', async () => {
      const res = await post({ name: 'Nobody' }).expect(400);
      expect(JSON.stringify(res.body.message)).toContain('email');
    });

    it.each([
      ['name with a line break', { name: 'Ada\r\nBcc: x@example.com' }, 'name'],
      ['name over 200 characters', { name: 'n'.repeat(201) }, 'name'],
      ['name that is a number', { name: 7 }, 'name'],
      ['attributes as an array', { attributes: [1, 2] }, 'attributes'],
      ['attributes as null', { attributes: null }, 'attributes'],
      ['attributes as a string', { attributes: 'city=London' }, 'attributes'],
      ['attributes over 16 KB', { attributes: { note: 'x'.repeat(16 * 1024) } }, 'attributes'],
      ['listIds as a string', { listIds: MISSING }, 'listIds'],
      ['listIds holding a number', { listIds: [1] }, 'listIds'],
      ['status unknown', { status: 'deleted' }, 'status'],
      ['preconfirm as a string', { preconfirm: 'yes' }, 'preconfirm'],
      ['an unknown field', { favourite: 'blue' }, 'favourite'],
    ])('refuses %s with 400 naming the field and writes nothing', async (_, extra, field) => {
      const email = `bad-${uniqueTag()}@example.com`;
      const res = await post({ email, ...extra }).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
      expect((await search(email)).total).toBe(0);
    });

    it('accepts attributes just under 16 KB', async () => {
      const attributes = { note: 'x'.repeat(16 * 1024 - 20) };
      const res = await post({ email: `big-${uniqueTag()}@example.com`, attributes }).expect(201);
      expect(res.body.attributes).toEqual(attributes);
    });

    it('refuses an unknown list id with 400 naming it, and creates nothing', async () => {
      const list = await makeList(t);
      const email = `lost-${uniqueTag()}@example.com`;
      const res = await post({ email, listIds: [list.id, MISSING] }).expect(400);
      expect(res.body.message).toContain(MISSING);
      expect((await search(email)).total).toBe(0);
      const notUuid = await post({ email, listIds: ['list-one'] }).expect(400);
      expect(notUuid.body.message).toContain('list-one');
      expect((await search(email)).total).toBe(0);
      await post({ email, listIds: [list.id] }).expect(201);
    });

    it('refuses a JSON body over 1 MB with 413', async () => {
      const body = JSON.stringify({
        email: `huge-${uniqueTag()}@example.com`,
        attributes: { blob: 'x'.repeat(1_100_000) },
      });
      const res = await t
        .http()
        .post('/api/subscribers')
        .set(auth(editor))
        .set('Content-Type', 'application/json')
        .send(body)
        .expect(413);
      expect(res.body).toMatchObject({ statusCode: 413 });
    });

    it('refuses malformed JSON with 400', async () => {
      await t
        .http()
        .post('/api/subscribers')
        .set(auth(editor))
        .set('Content-Type', 'application/json')
        .send('{"email": ')
        .expect(400);
    });
  });

  describe('membership rules', () => {
    it('confirms a single opt-in list at once and asks for no mail', async () => {
      const single = await makeList(t, { optIn: 'single' });
      const res = await post({ email: `single-${uniqueTag()}@example.com`, listIds: [single.id] }).expect(201);
      expect(res.body.lists).toEqual([{ listId: single.id, status: 'confirmed' }]);
      expect(await confirmJobs(res.body.id)).toHaveLength(0);
    });

    it('adds a double opt-in list unconfirmed and queues exactly one confirmation job for it', async () => {
      const single = await makeList(t, { optIn: 'single' });
      const double = await makeList(t, { optIn: 'double' });
      const res = await post({
        email: `double-${uniqueTag()}@example.com`,
        listIds: [single.id, double.id, double.id],
      }).expect(201);
      expect([...res.body.lists].sort(byListId)).toEqual(
        [
          { listId: single.id, status: 'confirmed' },
          { listId: double.id, status: 'unconfirmed' },
        ].sort(byListId),
      );
      const jobs = await confirmJobs(res.body.id);
      expect(jobs).toHaveLength(1);
      expect(jobs[0].data).toEqual({ subscriberId: res.body.id, listIds: [double.id] });

      // asking again for the same lists changes nothing and queues nothing more
      const again = await patch(res.body.id, { listIds: [single.id, double.id] }).expect(200);
      expect([...again.body.lists].sort(byListId)).toEqual([...res.body.lists].sort(byListId));
      expect(await confirmJobs(res.body.id)).toHaveLength(1);
    });

    it('queues one job for the lists added by PATCH, whose id makes a repeated request harmless', async () => {
      const a = await makeList(t, { optIn: 'double' });
      const b = await makeList(t, { optIn: 'double' });
      const s = await makeSubscriber(t);
      await patch(s.id, { listIds: [b.id, a.id] }).expect(200);
      const jobs = await confirmJobs(s.id);
      expect(jobs).toHaveLength(1);
      expect(jobs[0].data).toEqual({ subscriberId: s.id, listIds: [a.id, b.id].sort() });
      // removed and added again while the first job still waits: the same job id, so no second job
      await patch(s.id, { listIds: [] }).expect(200);
      expect(await membershipsOf(t, s.id)).toEqual([]);
      // and the same request arriving twice at once
      await Promise.all([
        patch(s.id, { listIds: [a.id, b.id] }).expect(200),
        patch(s.id, { listIds: [a.id, b.id] }).expect(200),
      ]);
      expect((await membershipsOf(t, s.id)).map((m) => m.status)).toEqual(['unconfirmed', 'unconfirmed']);
      expect(await confirmJobs(s.id)).toHaveLength(1);
    });

    it('with preconfirm, confirms double opt-in memberships at once and asks for no mail', async () => {
      const double = await makeList(t, { optIn: 'double' });
      const res = await post({
        email: `vouched-${uniqueTag()}@example.com`,
        listIds: [double.id],
        preconfirm: true,
      }).expect(201);
      expect(res.body.lists).toEqual([{ listId: double.id, status: 'confirmed' }]);
      expect(await confirmJobs(res.body.id)).toHaveLength(0);

      const waiting = await makeSubscriber(t, { lists: { [double.id]: 'unconfirmed' } });
      const confirmed = await patch(waiting.id, { preconfirm: true }).expect(200);
      expect(confirmed.body.lists).toEqual([{ listId: double.id, status: 'confirmed' }]);
      expect(await confirmJobs(waiting.id)).toHaveLength(0);
    });

    it('PATCH listIds removes the lists not named, but keeps unsubscribed memberships', async () => {
      const stay = await makeList(t);
      const drop = await makeList(t, { optIn: 'double' });
      const left = await makeList(t);
      const add = await makeList(t);
      const s = await makeSubscriber(t, {
        lists: { [stay.id]: 'confirmed', [drop.id]: 'unconfirmed', [left.id]: 'unsubscribed' },
      });
      const res = await patch(s.id, { listIds: [stay.id, add.id] }).expect(200);
      const expected = [
        { listId: stay.id, status: 'confirmed' },
        { listId: left.id, status: 'unsubscribed' },
        { listId: add.id, status: 'confirmed' },
      ].sort(byListId);
      expect([...res.body.lists].sort(byListId)).toEqual(expected);
      expect(await membershipsOf(t, s.id)).toEqual(expected);

      const emptied = await patch(s.id, { listIds: [] }).expect(200);
      expect(emptied.body.lists).toEqual([{ listId: left.id, status: 'unsubscribed' }]);
    });

    it('never turns an unsubscribed membership back into a subscription, even with preconfirm', async () => {
      const list = await makeList(t, { optIn: 'double' });
      const s = await makeSubscriber(t, { lists: { [list.id]: 'unsubscribed' } });
      const res = await patch(s.id, { listIds: [list.id], preconfirm: true }).expect(200);
      expect(res.body.lists).toEqual([{ listId: list.id, status: 'unsubscribed' }]);
      await patch(s.id, { listIds: [list.id] }).expect(200);
      expect(await membershipsOf(t, s.id)).toEqual([{ listId: list.id, status: 'unsubscribed' }]);
      expect(await confirmJobs(s.id)).toHaveLength(0);
    });

    it('keeps the memberships when a subscriber is blocklisted, and back', async () => {
      const a = await makeList(t);
      const b = await makeList(t);
      const s = await makeSubscriber(t, { lists: { [a.id]: 'confirmed', [b.id]: 'unsubscribed' } });
      const before = await membershipsOf(t, s.id);
      const res = await patch(s.id, { status: 'blocklisted' }).expect(200);
      expect(res.body.status).toBe('blocklisted');
      expect(await membershipsOf(t, s.id)).toEqual(before);
      expect((await patch(s.id, { status: 'enabled' }).expect(200)).body.status).toBe('enabled');
      expect(await membershipsOf(t, s.id)).toEqual(before);
    });

    it('leaves the lists alone when PATCH does not name listIds', async () => {
      const list = await makeList(t);
      const s = await makeSubscriber(t, { lists: { [list.id]: 'confirmed' } });
      await patch(s.id, { name: 'Renamed' }).expect(200);
      expect(await membershipsOf(t, s.id)).toEqual([{ listId: list.id, status: 'confirmed' }]);
    });
  });

  describe('GET|PATCH|DELETE /api/subscribers/:id', () => {
    it('answers 400 for an id that is not a UUID', async () => {
      for (const method of ['get', 'patch', 'delete'] as const) {
        const res = await t.http()[method]('/api/subscribers/12345').set(auth(editor)).send({}).expect(400);
        expect(res.body.message).toContain('id');
      }
    });

    it('answers 404 naming the id of a subscriber that does not exist', async () => {
      for (const method of ['get', 'patch', 'delete'] as const) {
        const res = await t.http()[method](`/api/subscribers/${MISSING}`).set(auth(editor)).send({}).expect(404);
        expect(res.body.message).toContain(MISSING);
      }
    });

    it('updates email, name and attributes (replaced as a whole), leaving what is not sent', async () => {
      const s = await makeSubscriber(t, { name: 'Old', attributes: { a: 1, b: 2 } });
      const email = `New-${uniqueTag()}@example.com`;
      const res = await patch(s.id, { email: ` ${email} `, attributes: { c: 3 } }).expect(200);
      expect(res.body).toMatchObject({ id: s.id, email, name: 'Old', attributes: { c: 3 }, status: 'enabled' });
      expect((await t.app.get(DataSource).getRepository(Subscriber).findOneByOrFail({ id: s.id })).emailKey).toBe(
        email.toLowerCase(),
      );
      const cleared = await patch(s.id, { name: null }).expect(200);
      expect(cleared.body).toMatchObject({ email, name: '', attributes: { c: 3 } });
    });

    it('answers 409 when PATCH takes the address of another subscriber, in any case', async () => {
      const taken = await makeSubscriber(t, { email: `taken-${uniqueTag()}@example.com` });
      const s = await makeSubscriber(t);
      await patch(s.id, { email: taken.email.toUpperCase() }).expect(409);
      expect((await t.http().get(`/api/subscribers/${s.id}`).set(auth(viewer)).expect(200)).body.email).toBe(s.email);
      // changing only the case of one's own address is fine
      await patch(s.id, { email: s.email.toUpperCase() }).expect(200);
    });

    it.each([
      [{ email: 'nope' }, 'email'],
      [{ email: null }, 'email'],
      [{ attributes: [] }, 'attributes'],
      [{ attributes: { big: 'y'.repeat(17_000) } }, 'attributes'],
      [{ status: 'unsubscribed' }, 'status'],
      [{ listIds: [MISSING] }, MISSING],
      [{ id: MISSING }, 'id'],
    ])('refuses PATCH %j with 400 and changes nothing', async (body, named) => {
      const list = await makeList(t);
      const s = await makeSubscriber(t, { name: 'Same', attributes: { k: 'v' }, lists: { [list.id]: 'confirmed' } });
      const before = (await t.http().get(`/api/subscribers/${s.id}`).set(auth(viewer)).expect(200)).body;
      const res = await patch(s.id, { name: 'Changed', ...body }).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(named);
      expect((await t.http().get(`/api/subscribers/${s.id}`).set(auth(viewer)).expect(200)).body).toEqual(before);
    });

    it('deletes a subscriber with their memberships', async () => {
      const list = await makeList(t);
      const s = await makeSubscriber(t, { lists: { [list.id]: 'confirmed' } });
      await t.http().delete(`/api/subscribers/${s.id}`).set(auth(editor)).expect(204);
      await t.http().get(`/api/subscribers/${s.id}`).set(auth(viewer)).expect(404);
      expect(await membershipsOf(t, s.id)).toEqual([]);
      expect((await t.http().get(`/api/lists/${list.id}`).set(auth(viewer)).expect(200)).body.subscriberCount).toBe(0);
    });
  });

  describe('GET /api/subscribers', () => {
    it('pages newest first (then by id) with items, total, page and limit', async () => {
      const tag = uniqueTag();
      const base = Date.UTC(2020, 0, 1);
      const made: Subscriber[] = [];
      for (let i = 0; i < 5; i++)
        made.push(
          await makeSubscriber(t, { email: `page${i}-${tag}@example.com`, createdAt: new Date(base + i * 60_000) }),
        );
      const first = await t
        .http()
        .get('/api/subscribers')
        .query({ search: tag, limit: 2 })
        .set(auth(viewer))
        .expect(200);
      expect(first.body).toMatchObject({ total: 5, page: 1, limit: 2 });
      expect(first.body.items.map((s: { id: string }) => s.id)).toEqual([made[4].id, made[3].id]);
      const third = await t
        .http()
        .get('/api/subscribers')
        .query({ search: tag, limit: 2, page: 3 })
        .set(auth(viewer))
        .expect(200);
      expect(third.body.items.map((s: { id: string }) => s.id)).toEqual([made[0].id]);
      expect(third.body.items[0].createdAt).toBe(new Date(base).toISOString());
      const beyond = await t
        .http()
        .get('/api/subscribers')
        .query({ search: tag, limit: 2, page: 4 })
        .set(auth(viewer))
        .expect(200);
      expect(beyond.body).toMatchObject({ items: [], total: 5, page: 4 });
    });

    it('defaults to page 1 of 50 and counts everyone', async () => {
      const count = await t.app.get(DataSource).getRepository(Subscriber).count();
      const res = await t.http().get('/api/subscribers').set(auth(viewer)).expect(200);
      expect(res.body).toMatchObject({ total: count, page: 1, limit: 50 });
      expect(res.body.items.length).toBe(Math.min(count, 50));
    });

    it('searches email or name, in any case', async () => {
      const tag = uniqueTag();
      const byEmail = await makeSubscriber(t, { email: `Marie.${tag}@Example.com` });
      const byName = await makeSubscriber(t, {
        email: `mc-${uniqueTag()}@example.com`,
        name: `Marie ${tag.toUpperCase()} Curie`,
      });
      await makeSubscriber(t, { email: `other-${uniqueTag()}@example.com`, name: 'Pierre' });
      const found = await search(`MARIE.${tag.toUpperCase()}`);
      expect(found.items.map((s) => s.id)).toEqual([byEmail.id]);
      const both = await search(tag);
      expect(both.total).toBe(2);
      expect(both.items.map((s) => s.id).sort()).toEqual([byEmail.id, byName.id].sort());
    });

    it('takes LIKE wildcards in a search literally', async () => {
      const tag = uniqueTag();
      const percent = await makeSubscriber(t, { name: `100% ${tag}` });
      const underscore = await makeSubscriber(t, { email: `a_b-${tag}@example.com` });
      await makeSubscriber(t, { name: `1000 ${tag}` });
      await makeSubscriber(t, { email: `axb-${tag}@example.com` });
      const backslash = await makeSubscriber(t, { name: `back\\slash ${tag}` });
      expect((await search(`0% ${tag}`)).items.map((s) => s.id)).toEqual([percent.id]);
      expect((await search(`a_b-${tag}`)).items.map((s) => s.id)).toEqual([underscore.id]);
      expect((await search(`k\\s`)).items.map((s) => s.id)).toEqual([backslash.id]);
      expect((await search('%')).items.map((s) => s.id)).toContain(percent.id);
      expect((await search('%')).items.map((s) => s.id)).not.toContain(underscore.id);
    });

    it('filters by list and by membership status of that list', async () => {
      const list = await makeList(t, { optIn: 'double' });
      const other = await makeList(t);
      const confirmed = await makeSubscriber(t, { lists: { [list.id]: 'confirmed' } });
      const unconfirmed = await makeSubscriber(t, { lists: { [list.id]: 'unconfirmed', [other.id]: 'confirmed' } });
      const left = await makeSubscriber(t, { lists: { [list.id]: 'unsubscribed' } });
      await makeSubscriber(t, { lists: { [other.id]: 'confirmed' } });
      const ids = async (query: Record<string, string>) => {
        const res = await t.http().get('/api/subscribers').query(query).set(auth(viewer)).expect(200);
        expect(res.body.total).toBe(res.body.items.length);
        return res.body.items.map((s: { id: string }) => s.id).sort();
      };
      expect(await ids({ listId: list.id })).toEqual([confirmed.id, unconfirmed.id, left.id].sort());
      expect(await ids({ listId: list.id, status: 'confirmed' })).toEqual([confirmed.id]);
      expect(await ids({ listId: list.id, status: 'unconfirmed' })).toEqual([unconfirmed.id]);
      expect(await ids({ listId: list.id, status: 'unsubscribed' })).toEqual([left.id]);
    });

    it('filters by subscriber status, alone or with a list and a search', async () => {
      const tag = uniqueTag();
      const list = await makeList(t);
      const blocked = await makeSubscriber(t, {
        name: `blocked ${tag}`,
        status: 'blocklisted',
        lists: { [list.id]: 'confirmed' },
      });
      const enabled = await makeSubscriber(t, { name: `enabled ${tag}`, lists: { [list.id]: 'confirmed' } });
      const get = (query: Record<string, string>) =>
        t.http().get('/api/subscribers').query(query).set(auth(viewer)).expect(200);
      const onList = await get({ listId: list.id, status: 'blocklisted' });
      expect(onList.body.items.map((s: { id: string }) => s.id)).toEqual([blocked.id]);
      expect(onList.body.total).toBe(1);
      const searched = await get({ search: tag, status: 'enabled' });
      expect(searched.body.items.map((s: { id: string }) => s.id)).toEqual([enabled.id]);
      expect(searched.body.total).toBe(1);
      const all = await get({ status: 'blocklisted', limit: '1000' });
      expect(all.body.items.every((s: { status: string }) => s.status === 'blocklisted')).toBe(true);
      expect(all.body.items.map((s: { id: string }) => s.id)).toContain(blocked.id);
      const withSearchAndList = await get({ listId: list.id, search: `enabled ${tag}` });
      expect(withSearchAndList.body.items.map((s: { id: string }) => s.id)).toEqual([enabled.id]);
      expect(withSearchAndList.body.total).toBe(1);
    });

    it.each([
      [{ status: 'confirmed' }, 'listId'],
      [{ status: 'gone' }, 'status'],
      [{ listId: 'abc' }, 'listId'],
      [{ listId: MISSING }, MISSING],
      [{ page: '0' }, 'page'],
      [{ limit: '5000' }, 'limit'],
      [{ search: 'a\nb' }, 'search'],
      [{ order: 'name' }, 'order'],
    ])('refuses ?%j with 400 naming the problem', async (query, named) => {
      const res = await t.http().get('/api/subscribers').query(query).set(auth(viewer)).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(named);
    });
  });

  describe('who may call', () => {
    it('answers 401 without credentials', async () => {
      await t.http().get('/api/subscribers').expect(401);
      await t.http().post('/api/subscribers').send({ email: 'x@example.com' }).expect(401);
      await t.http().get('/api/subscribers').set('Authorization', 'Bearer not-a-token').expect(401);
    });

    it('lets a viewer read and not write (403)', async () => {
      const s = await makeSubscriber(t, { name: 'Untouched' });
      await t.http().get('/api/subscribers').set(auth(viewer)).expect(200);
      await t.http().get(`/api/subscribers/${s.id}`).set(auth(viewer)).expect(200);
      const email = `viewer-${uniqueTag()}@example.com`;
      await t.http().post('/api/subscribers').set(auth(viewer)).send({ email }).expect(403);
      await t.http().patch(`/api/subscribers/${s.id}`).set(auth(viewer)).send({ name: 'Changed' }).expect(403);
      await t.http().delete(`/api/subscribers/${s.id}`).set(auth(viewer)).expect(403);
      expect((await search(email)).total).toBe(0);
      expect((await t.http().get(`/api/subscribers/${s.id}`).set(auth(viewer)).expect(200)).body.name).toBe(
        'Untouched',
      );
    });

    it('refuses an API key without subscribers:write (403) and serves one with it', async () => {
      const without = await makeApiKey(t, ['transactional:send', 'events:ingest']);
      const email = `key-${uniqueTag()}@example.com`;
      await t.http().post('/api/subscribers').set(auth(without)).send({ email }).expect(403);
      await t.http().get('/api/subscribers').set(auth(without)).expect(403);
      expect((await search(email)).total).toBe(0);

      const withScope = await makeApiKey(t, ['subscribers:read', 'subscribers:write']);
      const created = await t.http().post('/api/subscribers').set(auth(withScope)).send({ email }).expect(201);
      await t.http().get(`/api/subscribers/${created.body.id}`).set(auth(withScope)).expect(200);
      await t.http().get('/api/subscribers').set(auth(withScope)).expect(200);
      await t
        .http()
        .patch(`/api/subscribers/${created.body.id}`)
        .set(auth(withScope))
        .send({ name: 'By key' })
        .expect(200);
      // Deleting is for staff only, whatever the key's scopes.
      await t.http().delete(`/api/subscribers/${created.body.id}`).set(auth(withScope)).expect(403);
    });
  });
});
