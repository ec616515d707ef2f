import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { sendCampaign } from './support/campaign-mail';
import { makeList, makeSubscriber, uniqueTag } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

/** A newsletter that greets its reader by name and address, links out, and has its own unsubscribe link. */
const MJML = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hello {{subscriber.name}} ({{subscriber.email}}), from {{subscriber.attributes.city}}</mj-text>
  <mj-button href="https://example.org/story?a=1&amp;b=2">Read the story</mj-button>
  <mj-text><a href="{{unsubscribeUrl}}">Unsubscribe</a> · <a href="{{preferencesUrl}}">Preferences</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;

interface FeedItem {
  title: string;
  link: string;
  guid: string | { '#text': string };
  pubDate: string;
  description: string;
}

describe('Archive and RSS (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let editor: string;
  let auth: { Authorization: string };

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'Magazine <news@magazine.example>' });
    editor = await t.tokenFor('editor');
    auth = { Authorization: `Bearer ${editor}` };
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  /** A list with one real reader, whose data must never reach the archive. */
  async function reader() {
    const list = await makeList(t);
    const person = await makeSubscriber(t, {
      email: `grace-${uniqueTag()}@example.com`,
      name: 'Grace Hopper',
      attributes: { city: 'Arlington' },
      lists: { [list.id]: 'confirmed' },
    });
    return { list, person };
  }

  /** The feed, checked to be well-formed XML, and its items. */
  async function feed(): Promise<{ xml: string; channel: Record<string, unknown>; items: FeedItem[] }> {
    const res = await t.http().get('/archive/feed.xml').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/rss\+xml/);
    const xml = res.text;
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml) as {
      rss: { '@_version': string; channel: Record<string, unknown> & { item?: FeedItem | FeedItem[] } };
    };
    expect(parsed.rss['@_version']).toBe('2.0');
    const item = parsed.rss.channel.item;
    return { xml, channel: parsed.rss.channel, items: item === undefined ? [] : Array.isArray(item) ? item : [item] };
  }

  const guidOf = (i: FeedItem) => (typeof i.guid === 'string' ? i.guid : i.guid['#text']);

  it('publishes a sent campaign marked archive, filled with sample data: no reader, no tracking, inert unsubscribe', async () => {
    const { list, person } = await reader();
    const tag = uniqueTag();
    const subject = `Autumn & <Winter> issue ${tag} for {{subscriber.name}}`;
    const created = await t
      .http()
      .post('/api/campaigns')
      .set(auth)
      .send({ name: 'Autumn', subject, mjml: MJML, listIds: [list.id], archive: true })
      .expect(201);
    const slug = `autumn-winter-issue-${tag}-for`;
    expect(created.body).toMatchObject({ archive: true, archiveSlug: slug, status: 'draft' });

    // A draft is never published.
    await t.http().get(`/archive/${slug}`).expect(404);
    expect((await feed()).items.some((i) => i.link.endsWith(`/archive/${slug}`))).toBe(false);

    await t.http().post(`/api/campaigns/${created.body.id}/send`).set(auth).send({}).expect(202);
    const sent = await waitForStatus(created.body.id, 'sent');
    await sink.waitFor((m) => m.to[0] === person.email, 1);

    const page = await t.http().get(`/archive/${slug}`).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('public, max-age=300');
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.text).toContain('Hello Reader (reader@example.com)');
    expect(page.text).not.toContain('Grace');
    expect(page.text).not.toContain(person.email);
    expect(page.text).not.toContain('Arlington');
    // No open pixel, no click tracking, and no link that names anybody.
    expect(page.text).not.toMatch(/\/o\/|\/c\/|\/u\/|\/p\//);
    expect(page.text).toContain('href="https://example.org/story?a=1&amp;b=2"');
    expect(page.text).toContain(`href="${t.baseUrl}/archive/unsubscribe"`);
    // The subject is the page's title, filled for the sample reader and escaped.
    expect(page.text).toContain(`<title>Autumn &amp; &lt;Winter&gt; issue ${tag} for Reader</title>`);
    expect(page.text).not.toContain('<Winter>');

    const inert = await t.http().get('/archive/unsubscribe').expect(200);
    expect(inert.text).toContain('Its links name nobody');

    const index = await t.http().get('/archive').expect(200);
    expect(index.headers['cache-control']).toBe('public, max-age=300');
    expect(index.text).toContain(`<a href="/archive/${slug}">Autumn &amp; &lt;Winter&gt; issue ${tag} for Reader</a>`);

    const { channel, items } = await feed();
    expect(channel.link).toBe(`${t.baseUrl}/archive`);
    const item = items.find((i) => i.link === `${t.baseUrl}/archive/${slug}`)!;
    expect(item).toBeDefined();
    expect(item.title).toBe(`Autumn & <Winter> issue ${tag} for Reader`);
    expect(guidOf(item)).toBe(item.link);
    // RFC 822 date (as RSS 2.0 asks): when sending started, to the second.
    expect(item.pubDate).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(Math.floor(Date.parse(item.pubDate) / 1000)).toBe(Math.floor(Date.parse(sent.startedAt) / 1000));
    expect(item.description).toContain('Hello Reader (reader@example.com)');
    expect(JSON.stringify(items)).not.toContain('Grace');
  });

  it('takes a sent campaign out when archive is set to false (404, gone from the feed), and back under the same slug', async () => {
    const { list } = await reader();
    const subject = `Out and back ${uniqueTag()}`;
    const sent = await sendCampaign(t, sink, editor, { subject, mjml: MJML, listIds: [list.id] }, 1);
    // Not marked: not published.
    const unmarked = await t.http().get(`/api/campaigns/${sent.id}`).set(auth).expect(200);
    expect(unmarked.body).toMatchObject({ archive: false, archiveSlug: null });
    expect((await t.http().get('/archive').expect(200)).text).not.toContain(subject);

    // archive alone may change on a sent campaign; anything else still may not.
    const marked = await t.http().patch(`/api/campaigns/${sent.id}`).set(auth).send({ archive: true }).expect(200);
    const slug: string = marked.body.archiveSlug;
    expect(slug).toMatch(/^out-and-back-[0-9a-f]+$/);
    await t.http().get(`/archive/${slug}`).expect(200);
    await t.http().patch(`/api/campaigns/${sent.id}`).set(auth).send({ archive: false, name: 'x' }).expect(409);

    await t.http().patch(`/api/campaigns/${sent.id}`).set(auth).send({ archive: false }).expect(200);
    const gone = await t.http().get(`/archive/${slug}`).expect(404);
    expect(gone.headers['cache-control']).toBe('no-store');
    expect((await feed()).items.some((i) => i.link.endsWith(`/archive/${slug}`))).toBe(false);
    expect((await t.http().get('/archive').expect(200)).text).not.toContain(subject);

    const back = await t.http().patch(`/api/campaigns/${sent.id}`).set(auth).send({ archive: true }).expect(200);
    expect(back.body.archiveSlug).toBe(slug);
    await t.http().get(`/archive/${slug}`).expect(200);
  });

  it('gives unique slugs that follow the subject until sending, and refuses a non-boolean archive', async () => {
    const { list } = await reader();
    const subject = `Same subject ${uniqueTag()}`;
    const make = async () =>
      (
        await t
          .http()
          .post('/api/campaigns')
          .set(auth)
          .send({ name: 'n', subject, mjml: MJML, listIds: [list.id], archive: true })
          .expect(201)
      ).body as { id: string; archiveSlug: string };
    const first = await make();
    const second = await make();
    const base = subject.toLowerCase().replace(/ /g, '-');
    expect(first.archiveSlug).toBe(base);
    expect(second.archiveSlug).toBe(`${base}-2`);

    const renamed = await t
      .http()
      .patch(`/api/campaigns/${second.id}`)
      .set(auth)
      .send({ subject: `${subject} — extra!` })
      .expect(200);
    expect(renamed.body.archiveSlug).toBe(`${base}-extra`);

    const bad = await t
      .http()
      .post('/api/campaigns')
      .set(auth)
      .send({ name: 'n', subject, mjml: MJML, listIds: [list.id], archive: 'yes' })
      .expect(400);
    expect(JSON.stringify(bad.body.message)).toContain('archive must be true or false');
    await t.http().get('/archive/Not_A_Slug').expect(404);
  });

  it('lists newest first, in pages', async () => {
    const { list } = await reader();
    const older = `Older issue ${uniqueTag()}`;
    const newer = `Newer issue ${uniqueTag()}`;
    for (const subject of [older, newer]) {
      const sent = await sendCampaign(t, sink, editor, { subject, mjml: MJML, listIds: [list.id] }, 1);
      await t.http().patch(`/api/campaigns/${sent.id}`).set(auth).send({ archive: true }).expect(200);
    }
    const first = await t.http().get('/archive?page=1&limit=1').expect(200);
    expect(first.text).toContain(newer);
    expect(first.text).not.toContain(older);
    expect(first.text).toContain('href="/archive?page=2&amp;limit=1" rel="next"');
    const second = await t.http().get('/archive?page=2&limit=1').expect(200);
    expect(second.text).toContain(older);
    expect(second.text).toContain('href="/archive?page=1&amp;limit=1" rel="prev"');
    const { items } = await feed();
    const titles = items.map((i) => i.title);
    expect(titles.indexOf(newer)).toBeLessThan(titles.indexOf(older));
    await t.http().get('/archive?page=0').expect(400);
  });

  async function waitForStatus(id: string, status: string): Promise<{ startedAt: string }> {
    for (;;) {
      const res = await t.http().get(`/api/campaigns/${id}`).set(auth).expect(200);
      if (res.body.status === status) return res.body;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});
