import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { NormalisedEmailKeys1764110000000 } from '../src/database/migrations/1764110000000-NormalisedEmailKeys';
import { Suppression } from '../src/delivery/suppression.entity';
import { Subscriber } from '../src/subscribers/subscriber.entity';
import { TokenService } from '../src/tokens/token.service';
import { makeList, uniqueTag } from './support/factories';
import { createTestApp, TestApp } from './support/test-app';

/** The same address, spelled the ways people and systems write it. */
function spellings(local: string) {
  return {
    nfc: `${local}ë@bücher.example`.normalize('NFC'),
    nfd: `${local}ë@bücher.example`.normalize('NFD'),
    upperPunycode: `${local.toUpperCase()}Ë@XN--BCHER-KVA.EXAMPLE`,
    punycode: `${local}ë@xn--bcher-kva.example`.normalize('NFD'),
    key: `${local}ë@xn--bcher-kva.example`.normalize('NFC'),
  };
}

describe('Addresses are one key however they are spelled: Unicode NFC and IDNA (e2e)', () => {
  let t: TestApp;
  let editor: string;

  beforeAll(async () => {
    t = await createTestApp();
    editor = await t.tokenFor('editor');
  });
  afterAll(() => t?.close());

  const auth = () => ({ Authorization: `Bearer ${editor}` });
  const db = () => t.app.get(DataSource);
  const byKey = (emailKey: string) => db().getRepository(Subscriber).findOneBy({ emailKey });

  async function importCsv(listId: string, csv: string) {
    const imp = await t
      .http()
      .post('/api/imports')
      .set(auth())
      .field('listIds', listId)
      .field('mode', 'subscribe')
      .attach('file', Buffer.from(csv), 'people.csv')
      .expect(202);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const res = await t.http().get(`/api/imports/${imp.body.id}`).set(auth()).expect(200);
      if (['done', 'failed'].includes(res.body.status)) return res.body;
      if (Date.now() > deadline) throw new Error('the import did not finish');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('the API answers 409 for the same person spelled another way, and keeps the address as typed', async () => {
    const zoe = spellings(`zo-${uniqueTag()}`);
    const created = await t.http().post('/api/subscribers').set(auth()).send({ email: zoe.nfd }).expect(201);
    expect(created.body.email).toBe(zoe.nfd);
    expect((await byKey(zoe.key))?.id).toBe(created.body.id);
    for (const other of [zoe.nfc, zoe.upperPunycode, zoe.punycode]) {
      const res = await t.http().post('/api/subscribers').set(auth()).send({ email: other }).expect(409);
      expect(res.body.message).toMatch(/already exists/);
    }
    // Sign-up and import find the same person too: no second row.
    const list = await makeList(t);
    await t
      .http()
      .post('/api/public/subscribe')
      .send({ email: zoe.upperPunycode, listIds: [list.id] })
      .expect(202);
    const done = await importCsv(list.id, `email,name\n${zoe.nfc},Zoë\n`);
    expect(done).toMatchObject({ status: 'done', imported: 0, updated: 1 });
    expect(await db().getRepository(Subscriber).countBy({ id: created.body.id })).toBe(1);
    const all = await db().getRepository(Subscriber).find();
    expect(all.filter((s) => s.email.normalize('NFC').toLowerCase().includes(zoe.nfc.split('@')[0]))).toHaveLength(1);
  });

  it('refuses a domain with no valid IDNA form with a 400 naming it (API, sign-up), and reports the row of an import', async () => {
    const list = await makeList(t);
    for (const email of ['zoë@xn--zz.example', 'zoë@b\u200dcher.example']) {
      const api = await t.http().post('/api/subscribers').set(auth()).send({ email }).expect(400);
      expect(api.body.message).toContain('email has a domain that is not a valid internationalised domain name (IDNA)');
      const signup = await t
        .http()
        .post('/api/public/subscribe')
        .send({ email, listIds: [list.id] })
        .expect(400);
      expect(signup.body.message).toContain(
        'email has a domain that is not a valid internationalised domain name (IDNA)',
      );
      await t.http().post('/api/public/preferences-link').send({ email }).expect(400);
    }
    const done = await importCsv(list.id, `email\nzoë@xn--zz.example\nok-${uniqueTag()}@example.com\n`);
    expect(done).toMatchObject({
      status: 'done',
      imported: 1,
      skipped: 1,
      errors: [{ row: 2, message: expect.stringContaining('not a valid internationalised domain name') }],
    });
  });

  it('an erased zoë cannot come back spelled another way: not by sign-up, the API or an import', async () => {
    const zoe = spellings(`erased-${uniqueTag()}`);
    const list = await makeList(t);
    const created = await t
      .http()
      .post('/api/subscribers')
      .set(auth())
      .send({ email: zoe.nfc, listIds: [list.id] })
      .expect(201);
    const token = t.app.get(TokenService).sign('preferences', { s: created.body.id }, 3600);
    await t.http().post(`/p/${token}/erase`).type('form').send({}).expect(200);
    expect(await byKey(zoe.key)).toBeNull();

    for (const email of [zoe.nfd, zoe.upperPunycode, zoe.punycode]) {
      await t
        .http()
        .post('/api/public/subscribe')
        .send({ email, listIds: [list.id] })
        .expect(202);
      const res = await t.http().post('/api/subscribers').set(auth()).send({ email }).expect(409);
      expect(res.body.message).toMatch(/erased/);
    }
    const done = await importCsv(list.id, `email\n${zoe.nfd}\n${zoe.upperPunycode}\n`);
    expect(done).toMatchObject({ status: 'done', imported: 0, skipped: 2 });
    expect(done.errors.map((e: { message: string }) => e.message)).toEqual([
      expect.stringMatching(/erased/),
      expect.stringMatching(/erased/),
    ]);
    expect(await byKey(zoe.key)).toBeNull();
  });

  it('an address erased before keys were normalised (its hash made from the old key) still cannot come back', async () => {
    const zoe = spellings(`old-${uniqueTag()}`);
    const oldKey = zoe.nfc.toLowerCase(); // trimmed and lower-cased only: the domain in Unicode
    await db()
      .getRepository(Suppression)
      .insert({ emailHash: createHash('sha256').update(oldKey).digest('hex'), reason: 'erased', detail: null });
    const list = await makeList(t);
    await t
      .http()
      .post('/api/public/subscribe')
      .send({ email: zoe.punycode, listIds: [list.id] })
      .expect(202);
    expect(await byKey(zoe.key)).toBeNull();
    expect(
      (await t.http().post('/api/subscribers').set(auth()).send({ email: zoe.upperPunycode }).expect(409)).body.message,
    ).toMatch(/erased/);
  });

  it('the migration re-keys rows stored under the old rule, and leaves ASCII rows and a second spelling of one person alone', async () => {
    const repo = db().getRepository(Subscriber);
    const zoe = spellings(`legacy-${uniqueTag()}`);
    const twin = spellings(`twin-${uniqueTag()}`);
    const ascii = `Plain-${uniqueTag()}@Example.com`;
    const rows = [
      { email: zoe.nfd, emailKey: zoe.nfd.toLowerCase() },
      { email: twin.nfc, emailKey: twin.nfc.toLowerCase() },
      { email: twin.punycode, emailKey: twin.punycode.toLowerCase() },
      { email: ascii, emailKey: ascii.toLowerCase() },
    ];
    for (const r of rows)
      await repo.insert({
        ...r,
        name: '',
        attributes: {},
        status: 'enabled',
        createdAt: new Date(Date.now() - 1000 * (10 - rows.indexOf(r))),
      });
    const runner = db().createQueryRunner();
    const warnings: unknown[] = [];
    const warn = jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(...args));
    try {
      await new NormalisedEmailKeys1764110000000().up(runner);
    } finally {
      warn.mockRestore();
      await runner.release();
    }
    expect(warnings).toEqual([
      expect.stringMatching(/is the same address as subscriber .*: kept its old key; merge them by hand/),
    ]);
    expect((await repo.findOneBy({ email: zoe.nfd }))?.emailKey).toBe(zoe.key);
    expect((await repo.findOneBy({ email: twin.nfc }))?.emailKey).toBe(twin.key); // the older of the two
    expect((await repo.findOneBy({ email: twin.punycode }))?.emailKey).toBe(twin.punycode.toLowerCase());
    expect((await repo.findOneBy({ email: ascii }))?.emailKey).toBe(ascii.toLowerCase());
  });
});
