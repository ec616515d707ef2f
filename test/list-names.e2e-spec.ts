import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ListNamesImportConfirmations1764340000000 } from '../src/database/migrations/1764340000000-ListNamesImportConfirmations';
import { MailingList } from '../src/lists/list.entity';
import { uniqueTag } from './support/factories';
import { createTestApp, TestApp } from './support/test-app';

/** Issue 15: two lists cannot share a name (letter case and surrounding blanks aside). */
describe('list names are unique (e2e)', () => {
  let t: TestApp;
  let editor: string;
  const auth = () => ({ Authorization: `Bearer ${editor}` });
  const create = (name: string) => t.http().post('/api/lists').set(auth()).send({ name, optIn: 'single' });

  beforeAll(async () => {
    t = await createTestApp();
    editor = await t.tokenFor('editor');
  });
  afterAll(() => t?.close());

  it('refuses a second list of the same name with 409 naming it, ignoring case and blanks', async () => {
    const tag = uniqueTag();
    await create(`Weekly ${tag}`).expect(201);
    const again = await create(`  WEEKLY ${tag.toUpperCase()} `).expect(409);
    expect(again.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    expect(again.body.message).toContain(`a list named "Weekly ${tag}" already exists`);
    // Nothing was written by the refused request.
    const all = await t.app
      .get(DataSource)
      .getRepository(MailingList)
      .countBy({ nameKey: `weekly ${tag}` });
    expect(all).toBe(1);
  });

  it('refuses renaming a list to another list’s name, but not to its own name in other letters', async () => {
    const tag = uniqueTag();
    await create(`Alpha ${tag}`).expect(201);
    const beta = (await create(`Beta ${tag}`).expect(201)).body as { id: string };
    const res = await t
      .http()
      .patch(`/api/lists/${beta.id}`)
      .set(auth())
      .send({ name: `alpha ${tag}` })
      .expect(409);
    expect(res.body.message).toContain(`"Alpha ${tag}" already exists`);
    await t
      .http()
      .patch(`/api/lists/${beta.id}`)
      .set(auth())
      .send({ name: `BETA ${tag}` })
      .expect(200);
  });

  it('two creates of one name at once: one 201, one 409 (the unique index decides)', async () => {
    const name = `Race ${uniqueTag()}`;
    const statuses = (await Promise.all([create(name), create(name), create(name)])).map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409]);
  });

  it('the migration renames duplicates an older database holds instead of failing on them', async () => {
    const ds = t.app.get(DataSource);
    const postgres = ds.options.type === 'postgres';
    const tag = uniqueTag();
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const names = [`Old ${tag}`, `old ${tag} `, `OLD ${tag}`];
    // Back to the schema before the migration, three lists of one name in it, and the migration again. Its own
    // down and up, run by hand: newer migrations came after it, so it is not the last one to undo.
    const migration = new ListNamesImportConfirmations1764340000000();
    const q = ds.createQueryRunner();
    await q.startTransaction();
    try {
      await migration.down(q);
      for (let i = 0; i < 3; i++) {
        const at = new Date(Date.UTC(2020, 0, 1 + i)).toISOString();
        await q.query(
          postgres
            ? `INSERT INTO lists (id, name, opt_in, created_at) VALUES ($1, $2, 'single', $3)`
            : `INSERT INTO lists (id, name, opt_in, created_at) VALUES (?, ?, 'single', ?)`,
          [ids[i], names[i], at],
        );
      }
      await migration.up(q);
      await q.commitTransaction();
    } catch (e) {
      await q.rollbackTransaction();
      throw e;
    } finally {
      await q.release();
    }

    const rows = await ds.getRepository(MailingList).findBy(ids.map((id) => ({ id })));
    const byId = new Map(rows.map((r) => [r.id, r.name]));
    expect(ids.map((id) => byId.get(id))).toEqual([`Old ${tag}`, `old ${tag} (2)`, `OLD ${tag} (3)`]);
    // …and the rule holds from then on.
    await create(`old ${tag}`).expect(409);
  });
});
