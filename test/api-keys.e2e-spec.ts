import { randomBytes } from 'node:crypto';
import { Controller, Get, INestApplication, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ThrottlerModule } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Scopes } from '../src/auth/auth.decorators';
import { AuthModule } from '../src/auth/auth.module';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { loadConfig } from '../src/config/load-config';
import { AppConfigModule } from '../src/config/config.module';
import { DatabaseModule } from '../src/database/database.module';
import { QueuesModule } from '../src/queues/queues.module';
import { redisOptionsOf } from '../src/queues/redis-connection';
import { makeList, makeSubscriber, membershipsOf, uniqueTag } from './support/factories';
import { createTestApp, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('API keys (e2e)', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.tokenFor('admin');
  });
  afterAll(() => t.close());

  const create = (body: object, token = admin) =>
    t.http().post('/api/api-keys').set('Authorization', `Bearer ${token}`).send(body);

  it('an admin creates a key: 201 {id, name, scopes, key}; the key is in that answer only', async () => {
    const res = await create({ name: 'Order system', scopes: ['transactional:send', 'events:ingest'] }).expect(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      name: 'Order system',
      scopes: ['transactional:send', 'events:ingest'],
      key: expect.stringMatching(/^mk_\S{40,}$/),
    });
    expect(res.body.keyHash).toBeUndefined();

    const list = await t.http().get('/api/api-keys').set('Authorization', `Bearer ${admin}`).expect(200);
    const listed = list.body.find((k: { id: string }) => k.id === res.body.id);
    expect(listed).toMatchObject({
      id: res.body.id,
      name: 'Order system',
      scopes: ['transactional:send', 'events:ingest'],
    });
    expect(JSON.stringify(list.body)).not.toContain(res.body.key);
    expect(listed.key).toBeUndefined();
    expect(listed.keyHash).toBeUndefined();
  });

  it('the database holds the SHA-256 of the key, never the key', async () => {
    const { body } = await create({ name: 'Stored hashed', scopes: ['subscribers:write'] }).expect(201);
    const rows: Record<string, unknown>[] = await t.app.get(DataSource).query('SELECT * FROM api_keys');
    const row = rows.find((r) => r.id === body.id)!;
    expect(row.key_hash).toBe(sha256(body.key));
    expect(JSON.stringify(rows)).not.toContain(body.key);
  });

  it('a key reaches nothing outside its scopes (403), even with a valid key', async () => {
    const { body } = await create({ name: 'Scoped', scopes: ['transactional:send'] }).expect(201);
    const asKey = { Authorization: `Bearer ${body.key}` };
    await t.http().get('/api/users').set(asKey).expect(403);
    await t.http().get('/api/api-keys').set(asKey).expect(403);
    await t
      .http()
      .post('/api/api-keys')
      .set(asKey)
      .send({ name: 'escalate', scopes: ['events:ingest'] })
      .expect(403);
  });

  it('a subscribers:read key reads subscribers, lists and imports; a key of another scope gets 403 there', async () => {
    const reader = (await create({ name: 'Reporting', scopes: ['subscribers:read'] }).expect(201)).body.key;
    const sender = (await create({ name: 'Shop', scopes: ['transactional:send'] }).expect(201)).body.key;
    for (const path of ['/api/imports', '/api/subscribers', '/api/lists']) {
      const res = await t.http().get(path).set('Authorization', `Bearer ${reader}`).expect(200);
      expect(res.body).toMatchObject({ items: expect.any(Array), total: expect.any(Number) });
      await t.http().get(path).set('Authorization', `Bearer ${sender}`).expect(403);
    }
    // Reading is all it does.
    await t
      .http()
      .post('/api/subscribers')
      .set('Authorization', `Bearer ${reader}`)
      .send({ email: 'reader-made@example.com' })
      .expect(403);
  });

  it('a subscribers:write key creates, changes and unsubscribes subscribers and starts imports, and nothing more', async () => {
    const writer = {
      Authorization: `Bearer ${(await create({ name: 'CRM sync', scopes: ['subscribers:write'] }).expect(201)).body.key}`,
    };
    const list = await makeList(t);
    const other = await makeSubscriber(t, { lists: { [list.id]: 'confirmed' } });

    const created = await t
      .http()
      .post('/api/subscribers')
      .set(writer)
      .send({ email: `crm-${uniqueTag()}@example.com`, listIds: [list.id] })
      .expect(201);
    await t
      .http()
      .patch(`/api/subscribers/${created.body.id}`)
      .set(writer)
      .send({ name: 'Changed by key' })
      .expect(200);
    // Taking someone off a list is a PATCH of their lists.
    const offList = await t.http().patch(`/api/subscribers/${created.body.id}`).set(writer).send({ listIds: [] });
    expect([offList.status, offList.body.lists]).toEqual([200, []]);
    await t
      .http()
      .post('/api/imports')
      .set(writer)
      .field('listIds', list.id)
      .attach('file', Buffer.from(`email\nimported-${uniqueTag()}@example.com\n`), 'people.csv')
      .expect(202);

    // No reading: not the list of everyone, not one subscriber, not the lists, not an import's status.
    for (const path of [
      '/api/subscribers',
      `/api/subscribers/${other.id}`,
      '/api/lists',
      `/api/lists/${list.id}`,
      '/api/imports',
    ]) {
      const res = await t.http().get(path).set(writer);
      expect([path, res.status]).toEqual([path, 403]);
    }
    // No deleting and no list changes.
    await t.http().delete(`/api/subscribers/${other.id}`).set(writer).expect(403);
    await t.http().delete(`/api/lists/${list.id}`).set(writer).expect(403);
    await t.http().post('/api/lists').set(writer).send({ name: 'By key', optIn: 'single' }).expect(403);
    await t.http().patch(`/api/lists/${list.id}`).set(writer).send({ name: 'Renamed by key' }).expect(403);
    expect(await membershipsOf(t, other.id)).toEqual([{ listId: list.id, status: 'confirmed' }]);
  });

  it('deleting lists and subscribers is for staff: even a key with every scope gets 403, an editor 204', async () => {
    const all = {
      Authorization: `Bearer ${(await create({ name: 'Everything', scopes: ['transactional:send', 'events:ingest', 'subscribers:read', 'subscribers:write'] }).expect(201)).body.key}`,
    };
    const list = await makeList(t);
    const someone = await makeSubscriber(t);
    const refused = await t.http().delete(`/api/lists/${list.id}`).set(all).expect(403);
    expect(refused.body.message).toBe('API keys cannot call this endpoint');
    await t.http().delete(`/api/subscribers/${someone.id}`).set(all).expect(403);
    const editor = { Authorization: `Bearer ${await t.tokenFor('editor')}` };
    await t.http().delete(`/api/lists/${list.id}`).set(editor).expect(204);
    await t.http().delete(`/api/subscribers/${someone.id}`).set(editor).expect(204);
  });

  it('the OpenAPI page names the scopes each route accepts', async () => {
    const doc = (await t.http().get('/api/docs-json').expect(200)).body;
    expect(doc.paths['/api/subscribers'].get['x-api-key-scopes']).toEqual(['subscribers:read']);
    expect(doc.paths['/api/subscribers'].post['x-api-key-scopes']).toEqual(['subscribers:write']);
    expect(doc.paths['/api/subscribers/{id}'].delete['x-api-key-scopes']).toBeUndefined();
    expect(doc.components.schemas.CreateApiKeyDto.properties.scopes.items.enum).toContain('subscribers:read');
  });

  it('a wrong key, or a revoked one, is 401', async () => {
    await t.http().get('/api/users').set('Authorization', 'Bearer mk_not-a-real-key').expect(401);
    const { body } = await create({ name: 'To revoke', scopes: ['events:ingest'] }).expect(201);
    await t.http().get('/api/users').set('Authorization', `Bearer ${body.key}`).expect(403);
    await t.http().delete(`/api/api-keys/${body.id}`).set('Authorization', `Bearer ${admin}`).expect(204);
    await t.http().get('/api/users').set('Authorization', `Bearer ${body.key}`).expect(401);
    const list = await t.http().get('/api/api-keys').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(list.body.map((k: { id: string }) => k.id)).not.toContain(body.id);
  });

  it('only admins create keys: editor and viewer get 403, nobody 401', async () => {
    await create({ name: 'x', scopes: ['events:ingest'] }, await t.tokenFor('editor')).expect(403);
    await create({ name: 'x', scopes: ['events:ingest'] }, await t.tokenFor('viewer')).expect(403);
    await t
      .http()
      .post('/api/api-keys')
      .send({ name: 'x', scopes: ['events:ingest'] })
      .expect(401);
  });

  it('bad scopes or name are 400 naming the field', async () => {
    for (const body of [
      { name: 'x', scopes: ['everything'] },
      { name: 'x', scopes: [] },
      { name: 'x', scopes: 'events:ingest' },
      { name: 'x' },
    ]) {
      const res = await create(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(JSON.stringify(res.body.message)).toMatch(/scope/);
    }
    const res = await create({ name: '  ', scopes: ['events:ingest'] }).expect(400);
    expect(JSON.stringify(res.body.message)).toMatch(/name/);
  });
});

/** Routes that name scopes, served by the real guard and key store: keys reach exactly their scopes. */
@Controller('scope-probe')
class ScopeProbeController {
  @Post('send')
  @Scopes('transactional:send')
  send() {
    return { reached: 'send' };
  }

  @Get('events')
  @Scopes('events:ingest', 'subscribers:write')
  events() {
    return { reached: 'events' };
  }
}

describe('API key scopes (guard with the real key store)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let keys: ApiKeysService;
  beforeAll(async () => {
    db = await createTestDatabase();
    const moduleRef = await Test.createTestingModule({
      imports: [
        // A key prefix of its own on the shared Redis, as createTestApp gives every app.
        AppConfigModule.forRoot(
          loadConfig({ ...db.env, LOG_LEVEL: 'silent', QUEUE_PREFIX: `mctest-${randomBytes(5).toString('hex')}` }),
        ),
        ThrottlerModule.forRoot([{ ttl: 60_000, limit: 120 }]),
        DatabaseModule,
        QueuesModule.forRoot({
          options: redisOptionsOf(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
          stop: () => Promise.resolve(),
        }),
        AuthModule,
      ],
      controllers: [ScopeProbeController],
    }).compile();
    app = await moduleRef.createNestApplication().init();
    keys = app.get(ApiKeysService);
  });
  afterAll(async () => {
    await app?.close();
    await db.drop();
  });

  const call = (method: 'get' | 'post', path: string, key: string) =>
    request(app.getHttpServer())[method](path).set('Authorization', `Bearer ${key}`);

  it('a key reaches the routes of its scopes and gets 403 on the others', async () => {
    const send = (await keys.create('sender', ['transactional:send'])).key;
    const writer = (await keys.create('writer', ['subscribers:write'])).key;
    await call('post', '/scope-probe/send', send).expect(201, { reached: 'send' });
    await call('get', '/scope-probe/events', send).expect(403);
    await call('get', '/scope-probe/events', writer).expect(200, { reached: 'events' });
    const res = await call('post', '/scope-probe/send', writer).expect(403);
    expect(res.body.message).toContain('transactional:send');
  });

  it('records when a key was last used', async () => {
    const created = await keys.create('used', ['transactional:send']);
    expect((await keys.list()).find((k) => k.id === created.id)!.lastUsedAt).toBeNull();
    await call('post', '/scope-probe/send', created.key).expect(201);
    expect((await keys.list()).find((k) => k.id === created.id)!.lastUsedAt).toEqual(expect.any(Date));
  });
});
