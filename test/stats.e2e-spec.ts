import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Campaign } from '../src/campaigns/campaign.entity';
import { MessageLogService } from '../src/delivery/message-log.service';
import { deliveredAgo, flushTracking, linksOf, pathOf, sendCampaign } from './support/campaign-mail';
import { makeList, makeSubscriber } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

const DESKTOP =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';
const SPRING = 'https://shop.example/spring?utm=mail&x=1#top';
const FAQ = 'https://shop.example/faq';
const MJML = `<mjml><mj-body><mj-section><mj-column>
  <mj-button href="https://shop.example/spring?utm=mail&amp;x=1#top">Shop the sale</mj-button>
  <mj-text><a href="${FAQ}">Questions?</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;
const HOUR_MS = 3_600_000;

describe('Campaign stats (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let editor: string;
  let viewer: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'Shop <news@shop.example>' });
    editor = await t.tokenFor('editor');
    viewer = await t.tokenFor('viewer');
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const stats = (id: string, token = viewer) =>
    t.http().get(`/api/campaigns/${id}/stats`).set('Authorization', `Bearer ${token}`);

  it('counts what the recipients did: people apart from machines and scanners, per link and per hour', async () => {
    const list = await makeList(t);
    const [ann, bob, cat, dan] = await Promise.all(
      ['ann', 'bob', 'cat', 'dan'].map((n) =>
        makeSubscriber(t, { email: `${n}-${randomUUID()}@example.com`, lists: { [list.id]: 'confirmed' } }),
      ),
    );
    sink.reject = (rcpt) => (rcpt === dan.email ? { code: 550, message: '5.1.1 No such user' } : undefined);
    const sent = await sendCampaign(t, sink, editor, { mjml: MJML, listIds: [list.id] }, 3);
    sink.reject = undefined;
    const db = t.app.get(DataSource);
    // The send started a little over five hours ago; the mail was delivered a minute before the clicks.
    const startedAt = new Date(Date.now() - 5 * HOUR_MS - 60_000);
    await db.getRepository(Campaign).update({ id: sent.id }, { startedAt });
    for (const m of sent.messages.values()) if (m.sentAt) await deliveredAgo(t, m.id, 60_000);
    const links = (s: { email: string }) => linksOf(sent.mails.get(s.email)!);
    const get = (url: string, ua = DESKTOP, ip = '198.51.100.20') =>
      t.http().get(pathOf(url)).set('User-Agent', ua).set('X-Forwarded-For', ip);

    // Ann opens twice and follows the sale link twice, then leaves through the one-click link.
    await get(links(ann).pixel).expect(200);
    await get(links(ann).pixel).expect(200);
    await get(links(ann).clicks[0]).expect(302);
    await get(links(ann).clicks[0]).expect(302);
    await t
      .http()
      .post(pathOf(links(ann).unsubscribe))
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(200);
    // Bob's images are fetched by Apple's proxy, then he opens himself and reads the FAQ; later he complains.
    await get(links(bob).pixel, 'Mozilla/5.0', '17.58.63.10').expect(200);
    await get(links(bob).pixel).expect(200);
    await get(links(bob).clicks[1]).expect(302);
    await t.app.get(MessageLogService).addEvent(sent.messages.get(bob.email)!.id, 'complained', { source: 'arf' });
    // Cat's mail goes through a link scanner: a HEAD, then every link at once.
    await t
      .http()
      .head(pathOf(links(cat).clicks[0]))
      .expect(302);
    await Promise.all([get(links(cat).clicks[0]).expect(302), get(links(cat).clicks[1]).expect(302)]);
    await flushTracking(t);

    const res = await stats(sent.id).expect(200);
    expect(res.body).toEqual({
      recipients: 4,
      sent: 3,
      failed: 0,
      bounced: 1,
      opens: { unique: 2, total: 3, machine: 1 },
      clicks: {
        unique: 2,
        total: 3,
        scanner: 3,
        links: [
          { url: SPRING, unique: 1, total: 2 },
          { url: FAQ, unique: 1, total: 1 },
        ],
      },
      unsubscribes: 1,
      complaints: 1,
      timeline: Array.from({ length: 6 }, (_, i) => ({
        hour: new Date(startedAt.getTime() + i * HOUR_MS).toISOString(),
        opens: i === 5 ? 3 : 0,
        clicks: i === 5 ? 3 : 0,
      })),
    });
    // Aggregates only: nobody's address, IP or user agent.
    for (const secret of [ann.email, bob.email, '198.51.100.20', '17.58.63.10', 'Chrome'])
      expect(JSON.stringify(res.body)).not.toContain(secret);
  });

  it('stops the timeline 48 hours after the start', async () => {
    const list = await makeList(t);
    const s = await makeSubscriber(t, { lists: { [list.id]: 'confirmed' } });
    const sent = await sendCampaign(t, sink, editor, { mjml: MJML, listIds: [list.id] }, 1);
    await t.app
      .get(DataSource)
      .getRepository(Campaign)
      .update({ id: sent.id }, { startedAt: new Date(Date.now() - 72 * HOUR_MS) });
    await t
      .http()
      .get(pathOf(linksOf(sent.mails.get(s.email)!).pixel))
      .set('User-Agent', DESKTOP)
      .expect(200);
    await flushTracking(t);
    const body = (await stats(sent.id).expect(200)).body;
    expect(body.opens).toEqual({ unique: 1, total: 1, machine: 0 });
    expect(body.timeline).toHaveLength(48);
    expect(body.timeline.every((h: { opens: number; clicks: number }) => h.opens === 0 && h.clicks === 0)).toBe(true);
  });

  it('answers zeros and no timeline for a campaign not sent yet', async () => {
    const list = await makeList(t);
    const created = await t
      .http()
      .post('/api/campaigns')
      .set('Authorization', `Bearer ${editor}`)
      .send({ name: 'Draft', subject: 'S', mjml: MJML, listIds: [list.id] })
      .expect(201);
    expect((await stats(created.body.id).expect(200)).body).toEqual({
      recipients: 0,
      sent: 0,
      failed: 0,
      bounced: 0,
      opens: { unique: 0, total: 0, machine: 0 },
      clicks: { unique: 0, total: 0, scanner: 0, links: [] },
      unsubscribes: 0,
      complaints: 0,
      timeline: [],
    });
  });

  it('is 404 for an unknown campaign, 400 for a malformed id, 401 without credentials', async () => {
    const unknown = await stats(randomUUID()).expect(404);
    expect(unknown.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect((await stats('not-a-uuid').expect(400)).body.message).toMatch(/id must be a UUID/);
    await t.http().get(`/api/campaigns/${randomUUID()}/stats`).expect(401);
  });
});
