import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TokenService } from '../src/tokens/token.service';
import { makeList, makeSubscriber, uniqueTag } from './support/factories';
import { createTestApp, TestApp } from './support/test-app';

/** Outbox mode (no SMTP_URL): every mail is an .eml file under DATA_DIR/outbox. */
describe('Erasure in outbox mode (e2e)', () => {
  let t: TestApp;
  let editor: string;

  beforeAll(async () => {
    t = await createTestApp();
    editor = await t.tokenFor('editor');
  });
  afterAll(() => t?.close());

  const outbox = () => join(t.config.dataDir, 'outbox');

  /** The .eml files (and files being written) whose text names the address. */
  async function filesOf(email: string): Promise<string[]> {
    const names = await readdir(outbox()).catch(() => [] as string[]);
    const found: string[] = [];
    for (const name of names) {
      const text = await readFile(join(outbox(), name), 'utf8').catch(() => '');
      if (text.toLowerCase().includes(email.toLowerCase())) found.push(name);
    }
    return found;
  }

  async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it("deletes the person's .eml files (campaign, preferences link, confirmation mail) and nobody else's", async () => {
    const weekly = await makeList(t, { optIn: 'single' });
    const club = await makeList(t, { optIn: 'double' });
    const person = await makeSubscriber(t, {
      email: `Erin.Outbox-${uniqueTag()}@Example.com`,
      lists: { [weekly.id]: 'confirmed' },
    });
    const other = await makeSubscriber(t, {
      email: `stays-${uniqueTag()}@example.com`,
      lists: { [weekly.id]: 'confirmed' },
    });

    const auth = { Authorization: `Bearer ${editor}` };
    const mjml =
      '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{subscriber.email}}</mj-text></mj-column></mj-section></mj-body></mjml>';
    const campaign = (
      await t
        .http()
        .post('/api/campaigns')
        .set(auth)
        .send({ name: 'Outbox', subject: 'News', mjml, listIds: [weekly.id] })
        .expect(201)
    ).body.id;
    await t.http().post(`/api/campaigns/${campaign}/send`).set(auth).send({}).expect(202);
    await t.http().post('/api/public/preferences-link').send({ email: person.email }).expect(202);
    for (const email of [person.email, other.email])
      await t
        .http()
        .post('/api/public/subscribe')
        .send({ email, listIds: [club.id] })
        .expect(202);
    await until(
      'three mails to the person and two to the other',
      async () => (await filesOf(person.email)).length === 3 && (await filesOf(other.email)).length === 2,
    );
    const kept = await filesOf(other.email);

    const token = t.app.get(TokenService).sign('preferences', { s: person.id }, 3600);
    await t.http().post(`/p/${token}/erase`).type('form').send({}).expect(200);

    expect(await filesOf(person.email)).toEqual([]);
    expect((await filesOf(other.email)).sort()).toEqual(kept.sort());
  });
});
