import { makeApiKey, makeList, makeSubscriber, membershipsOf, uniqueTag } from './support/factories';
import { createTestApp, TestApp } from './support/test-app';

const MISSING = '00000000-0000-4000-8000-000000000000';

describe('lists (e2e)', () => {
  let t: TestApp;
  let editor: string;
  let viewer: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await createTestApp();
    editor = await t.tokenFor('editor');
    viewer = await t.tokenFor('viewer');
  });
  afterAll(() => t.close());

  describe('POST /api/lists', () => {
    it('creates a list and answers 201 with the contract shape', async () => {
      const res = await t
        .http()
        .post('/api/lists')
        .set(auth(editor))
        .send({ name: '  Weekly news ', description: 'Every Monday', optIn: 'double' })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Weekly news',
        description: 'Every Monday',
        optIn: 'double',
        visibility: 'public',
        subscriberCount: 0,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      });
      const got = await t.http().get(`/api/lists/${res.body.id}`).set(auth(editor)).expect(200);
      expect(got.body).toEqual(res.body);
    });

    it('creates a private list, and documents visibility in the OpenAPI schema', async () => {
      const res = await t
        .http()
        .post('/api/lists')
        .set(auth(editor))
        .send({ name: 'Staff', optIn: 'single', visibility: 'private' })
        .expect(201);
      expect(res.body.visibility).toBe('private');
      expect((await t.http().get(`/api/lists/${res.body.id}`).set(auth(viewer)).expect(200)).body.visibility).toBe(
        'private',
      );
      const listed = (await t.http().get('/api/lists').set(auth(viewer)).expect(200)).body.items;
      expect(listed.find((l: { id: string }) => l.id === res.body.id).visibility).toBe('private');
      const doc = (await t.http().get('/api/docs-json').expect(200)).body;
      for (const schema of ['CreateListDto', 'UpdateListDto']) {
        expect(doc.components.schemas[schema].properties.visibility).toMatchObject({ enum: ['public', 'private'] });
      }
    });

    it('defaults description to null', async () => {
      const res = await t
        .http()
        .post('/api/lists')
        .set(auth(editor))
        .send({ name: 'Plain', optIn: 'single' })
        .expect(201);
      expect(res.body.description).toBeNull();
    });

    it.each([
      ['a missing name', { optIn: 'single' }, 'name'],
      ['an empty name', { name: '   ', optIn: 'single' }, 'name'],
      ['a name that is not a string', { name: 42, optIn: 'single' }, 'name'],
      ['a name with a line break', { name: 'News\r\nBcc: x@example.com', optIn: 'single' }, 'name'],
      ['a name over 200 characters', { name: 'n'.repeat(201), optIn: 'single' }, 'name'],
      ['a missing optIn', { name: 'News' }, 'optIn'],
      ['an unknown optIn', { name: 'News', optIn: 'triple' }, 'optIn'],
      ['a description that is not a string', { name: 'News', optIn: 'single', description: ['x'] }, 'description'],
      ['an unknown field', { name: 'News', optIn: 'single', color: 'red' }, 'color'],
      ['an unknown visibility', { name: 'News', optIn: 'single', visibility: 'hidden' }, 'visibility'],
    ])('refuses %s with 400 naming the field', async (_, body, field) => {
      const before = (await t.http().get('/api/lists').set(auth(editor)).expect(200)).body.total;
      const res = await t.http().post('/api/lists').set(auth(editor)).send(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(JSON.stringify(res.body.message)).toContain(field);
      expect((await t.http().get('/api/lists').set(auth(editor)).expect(200)).body.total).toBe(before);
    });

    it('refuses a JSON body over 1 MB with 413', async () => {
      const res = await t
        .http()
        .post('/api/lists')
        .set(auth(editor))
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ name: 'Big', optIn: 'single', description: 'x'.repeat(1_100_000) }))
        .expect(413);
      expect(res.body).toMatchObject({ statusCode: 413 });
    });
  });

  describe('GET /api/lists', () => {
    it('pages newest first with items, total, page and limit', async () => {
      const before = (await t.http().get('/api/lists').set(auth(viewer)).expect(200)).body.total;
      const created: string[] = [];
      for (const name of ['Page A', 'Page B', 'Page C']) {
        created.push(
          (await t.http().post('/api/lists').set(auth(editor)).send({ name, optIn: 'single' }).expect(201)).body.id,
        );
      }
      const first = await t.http().get('/api/lists?page=1&limit=2').set(auth(viewer)).expect(200);
      expect(first.body).toMatchObject({ total: before + 3, page: 1, limit: 2 });
      expect(first.body.items.map((l: { name: string }) => l.name)).toEqual(['Page C', 'Page B']);
      const second = await t.http().get('/api/lists?page=2&limit=2').set(auth(viewer)).expect(200);
      expect(second.body.items[0].name).toBe('Page A');
      expect(second.body.items[0].id).toBe(created[0]);
    });

    it('counts members who are unconfirmed or confirmed, not those who left', async () => {
      const list = await makeList(t, { optIn: 'double' });
      const other = await makeList(t);
      await makeSubscriber(t, { lists: { [list.id]: 'confirmed' } });
      await makeSubscriber(t, { lists: { [list.id]: 'unconfirmed', [other.id]: 'confirmed' } });
      await makeSubscriber(t, { lists: { [list.id]: 'unsubscribed' } });
      await makeSubscriber(t, { status: 'blocklisted', lists: { [list.id]: 'confirmed' } });
      const one = await t.http().get(`/api/lists/${list.id}`).set(auth(viewer)).expect(200);
      expect(one.body.subscriberCount).toBe(3);
      const page = await t.http().get('/api/lists?limit=1000').set(auth(viewer)).expect(200);
      const counts = Object.fromEntries(
        page.body.items.map((l: { id: string; subscriberCount: number }) => [l.id, l.subscriberCount]),
      );
      expect(counts[list.id]).toBe(3);
      expect(counts[other.id]).toBe(1);
    });

    it.each([['page=0'], ['limit=0'], ['limit=1001'], ['page=abc'], ['sort=name']])(
      'refuses ?%s with 400',
      async (query) => {
        await t.http().get(`/api/lists?${query}`).set(auth(viewer)).expect(400);
      },
    );
  });

  describe('GET|PATCH|DELETE /api/lists/:id', () => {
    it('answers 400 for an id that is not a UUID', async () => {
      for (const method of ['get', 'patch', 'delete'] as const) {
        const res = await t.http()[method]('/api/lists/not-a-uuid').set(auth(editor)).send({}).expect(400);
        expect(res.body.message).toContain('id');
      }
    });

    it('answers 404 naming the id of a list that does not exist', async () => {
      for (const method of ['get', 'patch', 'delete'] as const) {
        const res = await t.http()[method](`/api/lists/${MISSING}`).set(auth(editor)).send({}).expect(404);
        expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
        expect(res.body.message).toContain(MISSING);
      }
    });

    it('updates name, description and optIn, leaving what is not sent', async () => {
      const list = await makeList(t, { name: 'Before', description: 'old', optIn: 'single' });
      const res = await t
        .http()
        .patch(`/api/lists/${list.id}`)
        .set(auth(editor))
        .send({ name: 'After', optIn: 'double' })
        .expect(200);
      expect(res.body).toMatchObject({ id: list.id, name: 'After', description: 'old', optIn: 'double' });
      const cleared = await t
        .http()
        .patch(`/api/lists/${list.id}`)
        .set(auth(editor))
        .send({ description: null })
        .expect(200);
      expect(cleared.body).toMatchObject({ name: 'After', description: null, optIn: 'double' });
      expect((await t.http().get(`/api/lists/${list.id}`).set(auth(viewer)).expect(200)).body).toEqual(cleared.body);
      const hidden = await t
        .http()
        .patch(`/api/lists/${list.id}`)
        .set(auth(editor))
        .send({ visibility: 'private' })
        .expect(200);
      expect(hidden.body).toMatchObject({ name: 'After', optIn: 'double', visibility: 'private' });
    });

    it.each([
      [{ name: null }, 'name'],
      [{ name: '' }, 'name'],
      [{ optIn: 'none' }, 'optIn'],
      [{ optIn: null }, 'optIn'],
      [{ visibility: 'secret' }, 'visibility'],
      [{ visibility: null }, 'visibility'],
      [{ id: MISSING }, 'id'],
    ])('refuses PATCH %j with 400', async (body, field) => {
      // each case its own list: list names are unique
      const list = await makeList(t, { name: `Unchanged ${uniqueTag()}` });
      const res = await t.http().patch(`/api/lists/${list.id}`).set(auth(editor)).send(body).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
      expect((await t.http().get(`/api/lists/${list.id}`).set(auth(viewer)).expect(200)).body.name).toBe(list.name);
    });

    it('deletes a list with its memberships and leaves the subscribers', async () => {
      const list = await makeList(t);
      const kept = await makeList(t);
      const s = await makeSubscriber(t, { lists: { [list.id]: 'confirmed', [kept.id]: 'confirmed' } });
      await t.http().delete(`/api/lists/${list.id}`).set(auth(editor)).expect(204);
      await t.http().get(`/api/lists/${list.id}`).set(auth(viewer)).expect(404);
      expect(await membershipsOf(t, s.id)).toEqual([{ listId: kept.id, status: 'confirmed' }]);
      await t.http().get(`/api/subscribers/${s.id}`).set(auth(viewer)).expect(200);
      await t.http().delete(`/api/lists/${list.id}`).set(auth(editor)).expect(404);
    });
  });

  describe('who may call', () => {
    it('answers 401 without credentials', async () => {
      await t.http().get('/api/lists').expect(401);
      await t.http().post('/api/lists').send({ name: 'x', optIn: 'single' }).expect(401);
    });

    it('lets a viewer read and not write (403)', async () => {
      const list = await makeList(t, { name: 'Read only' });
      await t.http().get(`/api/lists/${list.id}`).set(auth(viewer)).expect(200);
      await t.http().post('/api/lists').set(auth(viewer)).send({ name: 'x', optIn: 'single' }).expect(403);
      await t.http().patch(`/api/lists/${list.id}`).set(auth(viewer)).send({ name: 'x' }).expect(403);
      await t.http().delete(`/api/lists/${list.id}`).set(auth(viewer)).expect(403);
      expect((await t.http().get(`/api/lists/${list.id}`).set(auth(viewer)).expect(200)).body.name).toBe('Read only');
    });

    it('API keys: subscribers:read reads lists; no key creates, changes or deletes one (403)', async () => {
      const without = await makeApiKey(t, ['transactional:send']);
      await t.http().get('/api/lists').set(auth(without)).expect(403);
      const reader = await makeApiKey(t, ['subscribers:read']);
      const list = await makeList(t, { name: 'Read by key' });
      await t.http().get(`/api/lists/${list.id}`).set(auth(reader)).expect(200);
      await t.http().get('/api/lists').set(auth(reader)).expect(200);
      const everything = await makeApiKey(t, ['subscribers:read', 'subscribers:write']);
      await t.http().post('/api/lists').set(auth(everything)).send({ name: 'x', optIn: 'single' }).expect(403);
      await t.http().patch(`/api/lists/${list.id}`).set(auth(everything)).send({ name: 'x' }).expect(403);
      await t.http().delete(`/api/lists/${list.id}`).set(auth(everything)).expect(403);
      expect((await t.http().get(`/api/lists/${list.id}`).set(auth(reader)).expect(200)).body.name).toBe('Read by key');
    });
  });
});
