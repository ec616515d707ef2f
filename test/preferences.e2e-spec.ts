import { getQueueToken } from '@nestjs/bull';
import { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { MessageEvent } from '../src/delivery/message-event.entity';
import { Message } from '../src/delivery/message.entity';
import { Suppression } from '../src/delivery/suppression.entity';
import { suppressionHash } from '../src/delivery/suppression.service';
import { Consent } from '../src/preferences/consent.entity';
import { QueueName } from '../src/queues/queues';
import { Subscriber } from '../src/subscribers/subscriber.entity';
import { SettingsService } from '../src/settings/settings.service';
import { TokenService } from '../src/tokens/token.service';
import { UsersService } from '../src/users/users.service';
import request from 'supertest';
import { makeList, makeSubscriber, membershipsOf, uniqueTag } from './support/factories';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';
import { dataDownload } from './support/data-download';
import { until } from './support/until';

const MJML = `<mjml><mj-body><mj-section><mj-column>
<mj-text>Hello {{subscriber.name}}</mj-text>
<mj-button href="https://shop.example/sale?x=1">See the sale</mj-button>
</mj-column></mj-section></mj-body></mjml>`;

function sentTo(m: ReceivedMail, email: string): boolean {
  return m.to.some((to) => to.toLowerCase() === email.toLowerCase());
}

/** Every row of every table, as text: what an erasure must leave without the person's data. */
async function everyTableAsText(ds: DataSource): Promise<Record<string, string>> {
  const postgres = ds.options.type === 'postgres';
  const tables: { name: string }[] = await ds.query(
    postgres
      ? `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
      : `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) out[name] = JSON.stringify(await ds.query(`SELECT * FROM "${name}"`)).toLowerCase();
  return out;
}

describe('Preference centre (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let editor: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'Shop <news@shop.example>' });
    editor = await t.tokenFor('editor');
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const db = () => t.app.get(DataSource);
  const auth = () => ({ Authorization: `Bearer ${editor}` });
  const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;

  async function sendCampaign(listId: string, count: number): Promise<ReceivedMail[]> {
    const id = (
      await t
        .http()
        .post('/api/campaigns')
        .set(auth())
        .send({ name: `C ${uniqueTag()}`, subject: 'Sale', mjml: MJML, listIds: [listId] })
        .expect(201)
    ).body.id;
    await t.http().post(`/api/campaigns/${id}/send`).set(auth()).expect(202);
    return sink.waitFor((m) => (m.headers.get('feedback-id') ?? []).some((v) => v.startsWith(id)), count);
  }

  /** The mail's preference centre link, as a person would click it. */
  async function requestLink(email: string): Promise<string> {
    const before = sink.received.length;
    const res = await t.http().post('/api/public/preferences-link').send({ email }).expect(202);
    expect(res.body).toEqual({ status: 'accepted' });
    const [mail] = await sink.waitFor((m, i = sink.received.indexOf(m)) => i >= before && sentTo(m, email));
    expect(mail.parsed.subject).toBe('Your link to manage your email preferences');
    // Transactional: no tracking, no List-Unsubscribe.
    expect(mail.headers.has('list-unsubscribe')).toBe(false);
    expect(mail.parsed.html).not.toMatch(/\/o\/|\/c\//);
    return /http:\/\/127\.0\.0\.1:\d+\/p\/[A-Za-z0-9_.-]+/.exec(mail.parsed.text ?? '')![0];
  }

  it('answers the same 202 for a known and an unknown address, and mails only the known one', async () => {
    const known = await makeSubscriber(t, { email: `known-${uniqueTag()}@example.com`, name: 'Known' });
    const unknown = `nobody-${uniqueTag()}@example.com`;
    const a = await t.http().post('/api/public/preferences-link').send({ email: unknown }).expect(202);
    const url = await requestLink(known.email);
    expect(a.body).toEqual({ status: 'accepted' });
    const queue = t.app.get<Queue>(getQueueToken(QueueName.SystemMail));
    await until(async () => {
      const counts = await queue.getJobCounts();
      return counts.waiting + counts.active + counts.delayed === 0;
    }, 'the link jobs to finish');
    expect(sink.received.some((m) => sentTo(m, unknown))).toBe(false);
    expect(await db().getRepository(Message).countBy({ toEmail: unknown })).toBe(0);
    const page = await t.http().get(pathOf(url)).expect(200);
    expect(page.text).toContain(known.email);
    await t.http().post('/api/public/preferences-link').send({ email: 'not an address' }).expect(400);
  });

  it('lets a person see and correct their data, choose lists, turn tracking off, download everything, then erase it', async () => {
    const weekly = await makeList(t, { name: 'Weekly <deals>', optIn: 'single' });
    const club = await makeList(t, { name: 'Members club', optIn: 'double' });
    const email = `Ada.Zebulon-${uniqueTag()}@Example.com`;
    const name = 'Ada Zebulon-Quincey';
    const ada = await makeSubscriber(t, {
      email,
      name,
      attributes: { city: 'Paris <script>alert(1)</script>', age: 36, address: { street: '12 Rue Quincampoix' } },
      lists: { [weekly.id]: 'confirmed' },
    });
    const other = await makeSubscriber(t, { lists: { [weekly.id]: 'confirmed', [club.id]: 'confirmed' } });

    // A campaign while tracking is on: open and click it the way a mail client does.
    const first = (await sendCampaign(weekly.id, 2)).find((m) => sentTo(m, email))!;
    const pixel = /src="(http:\/\/[^"]+\/o\/[^"]+)"/.exec(first.parsed.html!)![1];
    const click = /href="(http:\/\/[^"]+\/c\/[^"]+)"/.exec(first.parsed.html!)![1];
    await t.http().get(pathOf(pixel)).set('User-Agent', 'Mozilla/5.0 (Windows NT 10.0) Thunderbird/128.0').expect(200);
    await t.http().get(pathOf(click)).set('User-Agent', 'Mozilla/5.0 (Windows NT 10.0) Thunderbird/128.0').expect(302);
    const firstId = (await db().getRepository(Message).findOneByOrFail({ subscriberId: ada.id, stream: 'campaign' }))
      .id;
    await until(
      async () =>
        (await db().getRepository(MessageEvent).countBy({ messageId: firstId, type: 'opened' })) > 0 &&
        (await db().getRepository(MessageEvent).countBy({ messageId: firstId, type: 'clicked' })) > 0,
      'the open and the click to be recorded',
    );

    // The admin lets readers change their city and age, under labels.
    await t.app.get(SettingsService).setEditableAttribute({ key: 'city', label: 'City' });
    await t.app.get(SettingsService).setEditableAttribute({ key: 'age', label: 'Age' });

    // The link mail, and the page it leads to: everything escaped.
    const url = await requestLink(email);
    const page = await t.http().get(pathOf(url)).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).not.toContain('<script>');
    expect(page.text).toContain(
      'City<input type="text" name="a:city" value="Paris &lt;script&gt;alert(1)&lt;/script&gt;"',
    );
    expect(page.text).toContain('Weekly &lt;deals&gt;');
    expect(page.text).not.toContain('12 Rue Quincampoix'); // not editable: in the download, not on the page
    expect(page.text).toMatch(/name="tracking" value="on" checked/);

    // A tampered or expired token is a 404 page, and changes nothing.
    const token = url.slice(url.lastIndexOf('/') + 1);
    const tampered = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');
    expect((await t.http().get(`/p/${tampered}`).expect(404)).text).toContain('invalid or has expired');
    await t.http().post(`/p/${tampered}`).type('form').send({ name: 'Mallory' }).expect(404);
    const expired = t.app.get(TokenService).sign('preferences', { s: ada.id }, -60);
    await t.http().get(`/p/${expired}`).expect(404);
    await t.http().get(`/p/${expired}/export`).expect(404);

    // Correct the data, leave the weekly list, join the double opt-in club (confirmed at once), tracking off.
    const saved = await t
      .http()
      .post(`/p/${token}`)
      .type('form')
      .set('User-Agent', 'Firefox/140')
      .send(`name=${encodeURIComponent('Ada Q. Zebulon-Quincey')}&a%3Acity=Lyon&a%3Aage=37&list=${club.id}`)
      .expect(200);
    expect(saved.text).toContain('Your preferences are saved.');
    const stored = await db().getRepository(Subscriber).findOneByOrFail({ id: ada.id });
    expect(stored).toMatchObject({
      name: 'Ada Q. Zebulon-Quincey',
      trackingEnabled: false,
      attributes: { city: 'Lyon', age: 37, address: { street: '12 Rue Quincampoix' } },
    });
    expect(await membershipsOf(t, ada.id)).toEqual(
      [
        { listId: weekly.id, status: 'unsubscribed' },
        { listId: club.id, status: 'confirmed' },
      ].sort((a, b) => a.listId.localeCompare(b.listId)),
    );
    const consent = await db().getRepository(Consent).findOneByOrFail({ subscriberId: ada.id, listId: club.id });
    expect(consent).toMatchObject({ source: 'preference-centre', userAgent: 'Firefox/140' });
    expect(consent.confirmedAt).toBeInstanceOf(Date);
    expect(consent.ip).toBeTruthy();

    // A line break in the name is refused with a 400 page, and nothing is saved.
    const refused = await t
      .http()
      .post(`/p/${token}`)
      .type('form')
      .send({ name: 'Eve\r\nBcc: x@y.example', list: club.id })
      .expect(400);
    expect(refused.text).toContain('Nothing was saved');
    expect((await db().getRepository(Subscriber).findOneByOrFail({ id: ada.id })).name).toBe('Ada Q. Zebulon-Quincey');

    // Tracking off: the next campaign carries no pixel and no rewritten link for her, but does for the other reader.
    const second = await sendCampaign(club.id, 2);
    const hers = second.find((m) => sentTo(m, email))!;
    const theirs = second.find((m) => sentTo(m, other.email))!;
    expect(theirs.parsed.html).toMatch(/\/o\//);
    expect(theirs.parsed.html).toMatch(/\/c\//);
    expect(hers.parsed.html).not.toMatch(/\/o\//);
    expect(hers.parsed.html).not.toMatch(/\/c\//);
    expect(hers.parsed.html).toContain('href="https://shop.example/sale?x=1"');

    // The download: everything held.
    const download = await dataDownload(t, token);
    expect(download.headers['content-type']).toMatch(/^application\/json/);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="my-data\.json"/);
    const data = JSON.parse(download.body as string);
    expect(data.profile).toMatchObject({
      id: ada.id,
      email,
      name: 'Ada Q. Zebulon-Quincey',
      trackingEnabled: false,
      attributes: { city: 'Lyon' },
    });
    expect(data.lists).toHaveLength(2);
    expect(data.consents.map((c: { source: string }) => c.source)).toContain('preference-centre');
    const campaignMails = data.messages.filter((m: { stream: string }) => m.stream === 'campaign');
    expect(campaignMails).toHaveLength(2);
    const opened = data.messages.find((m: { id: string }) => m.id === firstId);
    const types = opened.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['sent', 'opened', 'clicked']));
    expect(opened.events.find((e: { type: string }) => e.type === 'opened').detail).toMatchObject({
      userAgent: expect.stringContaining('Thunderbird'),
    });
    expect(data.messages.some((m: { template: string }) => m.template === 'preferences-link')).toBe(true);
    // the time of her last open as a person, which segments use, is hers to see too
    const openedAt = opened.events.find((e: { type: string }) => e.type === 'opened').at;
    expect(new Date(data.engagement.lastOpenedAt).getTime()).toBe(new Date(openedAt).getTime());

    // Erase: the GET only asks; the POST erases.
    const prompt = await t.http().get(`/p/${token}/erase`).expect(200);
    expect(prompt.text).toContain('Yes, erase my data');
    expect(await db().getRepository(Subscriber).existsBy({ id: ada.id })).toBe(true);
    const needles = [email.toLowerCase(), 'zebulon', 'quincampoix', 'lyon', 'firefox/140', 'thunderbird'];
    const held = Object.values(await everyTableAsText(db())).join('\n');
    for (const needle of needles) expect([needle, held.includes(needle)]).toEqual([needle, true]); // the scan can find each
    const messagesBefore = await db().getRepository(Message).count();
    const eventsBefore = await db().getRepository(MessageEvent).count();
    await t.http().post(`/p/${token}/erase`).expect(200);

    const tables = await everyTableAsText(db());
    expect(Object.keys(tables)).toEqual(
      expect.arrayContaining([
        'subscribers',
        'subscriptions',
        'consents',
        'messages',
        'message_events',
        'imports',
        'suppressions',
        'soft_bounces',
      ]),
    );
    expect(tables.messages).toContain('[erased]');
    for (const [table, text] of Object.entries(tables)) {
      for (const needle of needles) expect([table, needle, text.includes(needle)]).toEqual([table, needle, false]);
    }
    // The aggregate rows stay: every message and event is still counted.
    expect(await db().getRepository(Message).count()).toBe(messagesBefore);
    expect(await db().getRepository(MessageEvent).count()).toBeGreaterThanOrEqual(eventsBefore);
    expect(await db().getRepository(MessageEvent).countBy({ messageId: firstId, type: 'opened' })).toBeGreaterThan(0);
    expect(
      await db()
        .getRepository(Suppression)
        .findOneBy({ emailHash: suppressionHash(email) }),
    ).toMatchObject({ reason: 'erased', detail: null });
    await t.http().get(`/p/${token}`).expect(404);

    // Nothing brings her back: not the public sign-up, not the API, not an old CSV.
    await t
      .http()
      .post('/api/public/subscribe')
      .send({ email, name, listIds: [weekly.id] })
      .expect(202);
    const conflict = await t
      .http()
      .post('/api/subscribers')
      .set(auth())
      .send({ email: email.toUpperCase(), name })
      .expect(409);
    expect(conflict.body.message).toMatch(/erased/);
    const newcomer = `new-${uniqueTag()}@example.com`;
    const imp = await t
      .http()
      .post('/api/imports')
      .set(auth())
      .field('listIds', weekly.id)
      .field('mode', 'subscribe')
      .attach('file', Buffer.from(`email,name,city\n${email},${name},Lyon\n${newcomer},New,Rome\n`), 'old.csv')
      .expect(202);
    const done = await until(async () => {
      const res = await t.http().get(`/api/imports/${imp.body.id}`).set(auth()).expect(200);
      return ['done', 'failed'].includes(res.body.status) && res.body;
    }, 'the import');
    expect(done).toMatchObject({
      status: 'done',
      imported: 1,
      skipped: 1,
      errors: [{ row: 2, message: expect.stringMatching(/erased/) }],
    });
    expect(await db().getRepository(Subscriber).existsBy({ emailKey: newcomer })).toBe(true);
    expect(await db().getRepository(Subscriber).existsBy({ emailKey: email.toLowerCase() })).toBe(false);
    const after = await everyTableAsText(db());
    for (const [table, text] of Object.entries(after))
      expect([table, text.includes(email.toLowerCase())]).toEqual([table, false]);
  });

  it('unsubscribes from everything at once with one button', async () => {
    const a = await makeList(t);
    const b = await makeList(t, { optIn: 'double' });
    const person = await makeSubscriber(t, { lists: { [a.id]: 'confirmed', [b.id]: 'unconfirmed' } });
    const token = t.app.get(TokenService).sign('preferences', { s: person.id }, 3600);
    const res = await t.http().post(`/p/${token}/unsubscribe-all`).type('form').send('').expect(200);
    expect(res.text).toContain('You are unsubscribed');
    expect((await membershipsOf(t, person.id)).map((m) => m.status)).toEqual(['unsubscribed', 'unsubscribed']);
  });

  const centreOf = (subscriberId: string) =>
    `/p/${t.app.get(TokenService).sign('preferences', { s: subscriberId }, 3600)}`;

  it('shows the public lists and the private ones the person is on; joining a private list is refused', async () => {
    const open = await makeList(t, { name: `Open ${uniqueTag()}` });
    const internal = await makeList(t, { name: `Internal VIP ${uniqueTag()}`, visibility: 'private' });
    const staff = await makeList(t, { name: `Staff ${uniqueTag()}`, visibility: 'private' });
    const person = await makeSubscriber(t, { lists: { [open.id]: 'confirmed', [staff.id]: 'confirmed' } });
    const centre = centreOf(person.id);
    const page = await t.http().get(centre).expect(200);
    expect(page.text).toContain(open.name);
    expect(page.text).toContain(staff.name); // private, but she is on it
    expect(page.text).not.toContain(internal.name);
    expect(page.text).not.toContain(internal.id);

    // A forged form joining the private list: 400, nothing saved.
    const forged = await t
      .http()
      .post(centre)
      .type('form')
      .send(`name=Eve&list=${open.id}&list=${staff.id}&list=${internal.id}`)
      .expect(400);
    expect(forged.text).toContain('Nothing was saved');
    expect(forged.text).toContain('cannot be joined here');
    expect(await membershipsOf(t, person.id)).toEqual(
      [
        { listId: open.id, status: 'confirmed' },
        { listId: staff.id, status: 'confirmed' },
      ].sort((a, b) => a.listId.localeCompare(b.listId)),
    );
    expect((await db().getRepository(Subscriber).findOneByOrFail({ id: person.id })).name).toBe('');

    // Leaving the private list works; after that it is gone from her page and cannot be joined again.
    await t.http().post(centre).type('form').send(`list=${open.id}`).expect(200);
    expect((await membershipsOf(t, person.id)).find((m) => m.listId === staff.id)?.status).toBe('unsubscribed');
    expect((await t.http().get(centre).expect(200)).text).not.toContain(staff.name);
    await t.http().post(centre).type('form').send(`list=${open.id}&list=${staff.id}`).expect(400);
    expect((await membershipsOf(t, person.id)).find((m) => m.listId === staff.id)?.status).toBe('unsubscribed');
  });

  it('public sign-up ignores private lists: the same 202, nobody added to them', async () => {
    const open = await makeList(t);
    const internal = await makeList(t, { visibility: 'private' });
    const both = `both-${uniqueTag()}@example.com`;
    const onlyPrivate = `only-private-${uniqueTag()}@example.com`;
    const a = await t
      .http()
      .post('/api/public/subscribe')
      .send({ email: both, listIds: [open.id, internal.id] })
      .expect(202);
    const b = await t
      .http()
      .post('/api/public/subscribe')
      .send({ email: onlyPrivate, listIds: [internal.id] })
      .expect(202);
    expect(b.body).toEqual(a.body);
    const subscriber = await db().getRepository(Subscriber).findOneByOrFail({ emailKey: both });
    expect(await membershipsOf(t, subscriber.id)).toEqual([{ listId: open.id, status: 'confirmed' }]);
    expect(await db().getRepository(Subscriber).existsBy({ emailKey: onlyPrivate })).toBe(false);
    expect(await db().getRepository(Consent).countBy({ listId: internal.id })).toBe(0);
  });

  it('refuses forged changes of attributes an admin did not mark editable: 400, nothing saved', async () => {
    await t.app.get(SettingsService).setEditableAttribute({ key: 'city', label: 'City' });
    const person = await makeSubscriber(t, {
      name: 'Mallory',
      attributes: { tier: 'bronze', discount: 0, city: 'Oslo' },
    });
    const centre = centreOf(person.id);
    const page = await t.http().get(centre).expect(200);
    expect(page.text).not.toMatch(/name="a:(tier|discount)"/);
    expect(page.text).not.toContain('bronze');
    for (const forged of ['a%3Atier=platinum', 'a%3Adiscount=95', 'a%3Anew=1']) {
      const res = await t.http().post(centre).type('form').send(`name=Mallory&a%3Acity=Bergen&${forged}`).expect(400);
      expect(res.text).toContain('this detail cannot be changed here');
    }
    expect((await db().getRepository(Subscriber).findOneByOrFail({ id: person.id })).attributes).toEqual({
      tier: 'bronze',
      discount: 0,
      city: 'Oslo',
    });
    // Fields the form never has (a bare "tier") change nothing either.
    await t.http().post(centre).type('form').send('name=Mallory&tier=platinum&attributes=x').expect(200);
    expect((await db().getRepository(Subscriber).findOneByOrFail({ id: person.id })).attributes).toEqual({
      tier: 'bronze',
      discount: 0,
      city: 'Oslo',
    });
  });

  it('an admin marks an attribute editable with a label in Settings (postcode: "Post code"); the reader sees the label, not the key, and changes it', async () => {
    const email = `admin-${uniqueTag()}@example.com`;
    await t.app.get(UsersService).create(email, 'correct horse battery', 'admin');
    const agent = request.agent(t.baseUrl);
    const login = await agent.get('/admin/login').expect(200);
    await agent
      .post('/admin/login')
      .type('form')
      .send({ email, password: 'correct horse battery', _csrf: /name="_csrf" value="([^"]+)"/.exec(login.text)![1] })
      .expect(303);
    const settings = await agent.get('/admin/settings').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(settings.text)![1];
    const bad = await agent
      .post('/admin/settings/editable-attributes')
      .type('form')
      .send({ _csrf: csrf, key: 'postal\ncode', label: '' })
      .expect(400);
    expect(bad.text).toContain('label must not be empty');
    await agent
      .post('/admin/settings/editable-attributes')
      .type('form')
      .send({ _csrf: csrf, key: 'postcode', label: 'Postcode' })
      .expect(303);
    await agent
      .post('/admin/settings/editable-attributes')
      .type('form')
      .send({ _csrf: csrf, key: 'postcode', label: 'Post code' })
      .expect(303);
    expect((await agent.get('/admin/settings').expect(200)).text).toMatch(
      /<code>postcode<\/code><\/td>\s*<td>Post code<\/td>/,
    );

    const person = await makeSubscriber(t, { attributes: { postcode: 'N1 9GU' } });
    const centre = centreOf(person.id);
    const page = await t.http().get(centre).expect(200);
    expect(page.text).toContain('Post code<input type="text" name="a:postcode" value="N1 9GU"');
    expect(page.text).not.toMatch(/>postcode</);
    await t.http().post(centre).type('form').send('name=P&a%3Apostcode=EC1A%201BB').expect(200);
    expect((await db().getRepository(Subscriber).findOneByOrFail({ id: person.id })).attributes).toEqual({
      postcode: 'EC1A 1BB',
    });

    await agent
      .post('/admin/settings/editable-attributes/remove')
      .type('form')
      .send({ _csrf: csrf, key: 'postcode' })
      .expect(303);
    expect((await t.http().get(centre).expect(200)).text).not.toContain('name="a:postcode"');
    await t.http().post(centre).type('form').send('name=P&a%3Apostcode=X').expect(400);
  });

  it('throttles link requests per IP', async () => {
    let status = 202;
    for (let i = 0; i < 10 && status === 202; i++) {
      status = (
        await t
          .http()
          .post('/api/public/preferences-link')
          .send({ email: `x-${i}@example.com` })
      ).status;
    }
    expect(status).toBe(429);
  });
});
