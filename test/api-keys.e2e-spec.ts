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

  const create = (body: object, token = admin) => t.http().post('/api/api-keys').set('Authorization', `Bearer ${token}`).send(body);

  it('an admin creates a key: 201 {id, name, scopes, key}; the key is in that answer only', async () => {
    const res = await create({ name: 'Order system', scopes: ['transactional:send', 'events:ingest'] }).expect(201);
    expect(res.body).toMatchObject({ id: expect.any(String), name: 'Order system', scopes: ['transactional:send', 'events:ingest'], key: expect.stringMatching(/^mk_\S{40,}$/) });
    expect(res.body.keyHash).toBeUndefined();

    const list = await t.http().get('/api/api-keys').set('Authorization', `Bearer ${admin}`).expect(200);
    const listed = list.body.find((k: { id: string }) => k.id === res.body.id);
    expect(listed).toMatchObject({ id: res.body.id, name: 'Order system', scopes: ['transactional:send', 'events:ingest'] });
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
    await t.http().post('/api/api-keys').set(asKey).send({ name: 'escalate', scopes: ['events:ingest'] }).expect(403);
  });

  it('a subscribers:write key reaches the import routes; a key of another scope gets 403 there', async () => {
    const writer = (await create({ name: 'CRM sync', scopes: ['subscribers:write'] }).expect(201)).body.key;
    const sender = (await create({ name: 'Shop', scopes: ['transactional:send'] }).expect(201)).body.key;
    const res = await t.http().get('/api/imports').set('Authorization', `Bearer ${writer}`).expect(200);
    expect(res.body).toMatchObject({ items: expect.any(Array), total: expect.any(Number) });
    await t.http().get('/api/imports').set('Authorization', `Bearer ${sender}`).expect(403);
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
    await t.http().post('/api/api-keys').send({ name: 'x', scopes: ['events:ingest'] }).expect(401);
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
        AppConfigModule.forRoot(loadConfig({ ...db.env, LOG_LEVEL: 'silent' })),
        ThrottlerModule.forRoot([{ ttl: 60_000, limit: 120 }]),
        DatabaseModule,
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

  const call = (method: 'get' | 'post', path: string, key: string) => request(app.getHttpServer())[method](path).set('Authorization', `Bearer ${key}`);

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
