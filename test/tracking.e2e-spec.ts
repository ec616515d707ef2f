import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/database.options';
import { MessageEvent } from '../src/delivery/message-event.entity';
import { MessageEventRepository } from '../src/delivery/message-event.repository';
import { Message } from '../src/delivery/message.entity';
import { Subscriber } from '../src/subscribers/subscriber.entity';
import { RECORDER_OPTIONS } from '../src/tracking/engagement-recorder.service';
import { TokenService } from '../src/tokens/token.service';
import {
  deliveredAgo,
  flushTracking,
  linksOf,
  MailLinks,
  pathOf,
  sendCampaign,
  SentCampaign,
  tampered,
} from './support/campaign-mail';
import { makeList, makeSubscriber } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';
import { signRaw } from './support/raw-tokens';

const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
const IPHONE_MAIL =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
const DESKTOP =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const SPRING = 'https://shop.example/spring?utm=mail&x=1#top';
const FAQ = 'https://shop.example/faq';
const MJML = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hello {{subscriber.name}}</mj-text>
  <mj-button href="https://shop.example/spring?utm=mail&amp;x=1#top">Shop the sale</mj-button>
  <mj-text><a href="${FAQ}">Questions?</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;

describe('Open and click tracking (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let editor: string;
  let campaign: SentCampaign;
  let readers: string[];

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'Shop <news@shop.example>' });
    editor = await t.tokenFor('editor');
    const list = await makeList(t);
    readers = [];
    for (let i = 0; i < 10; i++)
      readers.push((await makeSubscriber(t, { name: `Reader ${i}`, lists: { [list.id]: 'confirmed' } })).email);
    campaign = await sendCampaign(t, sink, editor, { mjml: MJML, listIds: [list.id] }, readers.length);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  /** Each test uses a recipient of its own. */
  const reader = (i: number): { links: MailLinks; message: Message } => ({
    links: linksOf(campaign.mails.get(readers[i])!),
    message: campaign.messages.get(readers[i])!,
  });

  async function eventsOf(messageId: string, type: 'opened' | 'clicked'): Promise<MessageEvent[]> {
    await flushTracking(t);
    return t.app
      .get(DataSource)
      .getRepository(MessageEvent)
      .find({ where: { messageId, type }, order: { at: 'ASC' } });
  }

  /** This person's last human open as segments and the `inactive` trigger read it (epoch ms), null if none. */
  async function lastOpenOf(subscriberId: string | null): Promise<number | null> {
    const at = await t.app.get(MessageEventRepository).lastHumanOpenOf(subscriberId!);
    return at && at.getTime();
  }

  describe('GET /o/:token', () => {
    it('answers the 43-byte transparent GIF, never cached, for any token', async () => {
      const { links } = reader(9);
      for (const path of [pathOf(links.pixel), '/o/not-a-token', pathOf(tampered(links.pixel))]) {
        const res = await t
          .http()
          .get(path)
          .buffer(true)
          .parse((r, done) => {
            const chunks: Buffer[] = [];
            r.on('data', (c: Buffer) => chunks.push(c));
            r.on('end', () => done(null, Buffer.concat(chunks)));
          });
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe('image/gif');
        expect(res.headers['cache-control']).toContain('no-store');
        // helmet's same-origin CORP would hide the image from web mail clients on other origins
        expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
        expect(res.body).toEqual(GIF);
        expect(GIF.length).toBe(43);
      }
    });

    it('records the open of the mail’s pixel with its time, user agent and IP', async () => {
      const { links, message } = reader(0);
      const before = Date.now();
      await t
        .http()
        .get(pathOf(links.pixel))
        .set('User-Agent', IPHONE_MAIL)
        .set('X-Forwarded-For', '198.51.100.7')
        .expect(200);
      await t
        .http()
        .get(pathOf(links.pixel))
        .set('User-Agent', DESKTOP)
        .set('X-Forwarded-For', '198.51.100.8')
        .expect(200);
      const opens = await eventsOf(message.id, 'opened');
      expect(opens.map((e) => e.detail)).toEqual([
        { machine: false, ip: '198.51.100.7', userAgent: IPHONE_MAIL },
        { machine: false, ip: '198.51.100.8', userAgent: DESKTOP },
      ]);
      expect(new Date(opens[0].at).getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(new Date(opens[0].at).getTime()).toBeLessThanOrEqual(Date.now());
      // the person's last human open, for segments
      expect(await lastOpenOf(message.subscriberId)).toBe(new Date(opens[1].at).getTime());
    });

    it("counts opens through Apple Mail Privacy Protection and Google's image proxy as machine", async () => {
      const { links, message } = reader(1);
      await t
        .http()
        .get(pathOf(links.pixel))
        .set('User-Agent', 'Mozilla/5.0')
        .set('X-Forwarded-For', '17.58.63.10')
        .expect(200);
      await t
        .http()
        .get(pathOf(links.pixel))
        .set('User-Agent', 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)')
        .expect(200);
      const opens = await eventsOf(message.id, 'opened');
      expect(opens.map((e) => [e.detail?.machine, e.detail?.proxy])).toEqual([
        [true, 'apple-mpp'],
        [true, 'google-proxy'],
      ]);
      expect(await lastOpenOf(message.subscriberId)).toBeNull();
    });

    it('records a HEAD request and a pixel URL with a query string as opens; a valid token of an unknown message records nothing and no other open of its batch is lost', async () => {
      const { links, message } = reader(3);
      const unknownId = randomUUID();
      const unknown = t.app.get(TokenService).sign('open', { m: unknownId });
      await t
        .http()
        .head(pathOf(links.pixel))
        .set('User-Agent', DESKTOP)
        .expect(200)
        .expect('Content-Type', 'image/gif');
      await t.http().get(`/o/${unknown}`).set('User-Agent', DESKTOP).expect(200);
      await t
        .http()
        .get(`${pathOf(links.pixel)}?utm_source=mail`)
        .set('User-Agent', 'Mozilla/5.0')
        .expect(200);
      const opens = await eventsOf(message.id, 'opened');
      // the HEAD's desktop open and the query string's Apple Mail Privacy Protection one (same millisecond, either order)
      expect(opens.map((e) => e.detail?.machine).sort()).toEqual([false, true]);
      expect(await t.app.get(DataSource).getRepository(MessageEvent).countBy({ messageId: unknownId })).toBe(0);
    });

    it('records nothing for a tampered token or a token of another kind', async () => {
      const { links, message } = reader(2);
      await t
        .http()
        .get(pathOf(tampered(links.pixel)))
        .expect(200);
      await t
        .http()
        .get(`/o/${new URL(links.unsubscribe).pathname.split('/').pop()}`)
        .expect(200);
      expect(await eventsOf(message.id, 'opened')).toEqual([]);
    });
  });

  describe('GET /c/:token', () => {
    it('redirects to the exact URL, query and fragment included, and records the click', async () => {
      const { links, message } = reader(3);
      await deliveredAgo(t, message.id, 60_000);
      expect(links.clicks).toHaveLength(2);
      const res = await t
        .http()
        .get(pathOf(links.clicks[0]))
        .set('User-Agent', DESKTOP)
        .set('X-Forwarded-For', '198.51.100.9')
        .expect(302);
      expect(res.headers.location).toBe(SPRING);
      const clicks = await eventsOf(message.id, 'clicked');
      expect(clicks.map((e) => e.detail)).toEqual([
        { url: SPRING, scanner: false, ip: '198.51.100.9', userAgent: DESKTOP },
      ]);
    });

    it('redirects a HEAD request too, as a scanner', async () => {
      const { links, message } = reader(4);
      await deliveredAgo(t, message.id, 60_000);
      const res = await t.http().head(pathOf(links.clicks[1])).expect(302);
      expect(res.headers.location).toBe(FAQ);
      expect((await eventsOf(message.id, 'clicked')).map((e) => [e.detail?.scanner, e.detail?.reason])).toEqual([
        [true, 'head'],
      ]);
    });

    it('takes a click within seconds of delivery for a scanner', async () => {
      const { links, message } = reader(5);
      await deliveredAgo(t, message.id, 0);
      await t.http().get(pathOf(links.clicks[1])).expect(302);
      expect((await eventsOf(message.id, 'clicked')).map((e) => [e.detail?.scanner, e.detail?.reason])).toEqual([
        [true, 'on-delivery'],
      ]);
    });

    it('takes every link of a message clicked at once for a scanner, the one already stored included', async () => {
      const { links, message } = reader(6);
      await deliveredAgo(t, message.id, 60_000);
      await t.http().get(pathOf(links.clicks[0])).expect(302);
      expect((await eventsOf(message.id, 'clicked')).map((e) => e.detail?.scanner)).toEqual([false]);
      await t.http().get(pathOf(links.clicks[1])).expect(302);
      const clicks = await eventsOf(message.id, 'clicked');
      expect(clicks.map((e) => [e.detail?.url, e.detail?.scanner, e.detail?.reason])).toEqual([
        [SPRING, true, 'burst'],
        [FAQ, true, 'burst'],
      ]);
    });

    it('answers 404, never a redirect, to a forged token, an unknown message or a token of another kind', async () => {
      const { links, message } = reader(7);
      const tokens = t.app.get(TokenService);
      const forged = [
        pathOf(tampered(links.clicks[0])),
        `/c/${tokens.sign('click', { m: randomUUID(), u: SPRING })}`,
        `/c/${signRaw(tokens, 'open', { m: message.id, u: SPRING })}`,
        `/c/${pathOf(links.pixel).split('/').pop()}`,
        '/c/garbage',
      ];
      for (const path of forged) {
        const res = await t.http().get(path).expect(404);
        expect(res.headers.location).toBeUndefined();
      }
      expect(await eventsOf(message.id, 'clicked')).toEqual([]);
    });

    it('limits invalid tokens per IP, never a valid link', async () => {
      const { links, message } = reader(8);
      await deliveredAgo(t, message.id, 60_000);
      const ip = { 'X-Forwarded-For': '203.0.113.50' };
      for (let i = 0; i < 30; i++) await t.http().get(`/c/guess-${i}`).set(ip).expect(404);
      await t.http().get('/c/guess-31').set(ip).expect(429);
      await t.http().get('/c/guess-31').set('X-Forwarded-For', '203.0.113.51').expect(404);
      for (let i = 0; i < 3; i++) await t.http().get(pathOf(links.clicks[0])).set(ip).expect(302);
    });
  });

  it('records nothing for a person who has turned tracking off since, but still shows the image and follows the link', async () => {
    const list = await makeList(t);
    const person = await makeSubscriber(t, { lists: { [list.id]: 'confirmed' } });
    const sent = await sendCampaign(t, sink, editor, { mjml: MJML, listIds: [list.id] }, 1);
    const links = linksOf(sent.mails.get(person.email)!);
    const message = sent.messages.get(person.email)!;
    await t.app.get(DataSource).getRepository(Subscriber).update({ id: person.id }, { trackingEnabled: false });
    await t.http().get(pathOf(links.pixel)).expect(200).expect('Content-Type', 'image/gif');
    expect((await t.http().get(pathOf(links.clicks[0])).expect(302)).headers.location).toBe(SPRING);
    expect(await eventsOf(message.id, 'opened')).toEqual([]);
    expect(await eventsOf(message.id, 'clicked')).toEqual([]);
  });

  it('records nothing ever again for a person who erased their data, not even with IP or user agent; the image and the link still work', async () => {
    const list = await makeList(t);
    const person = await makeSubscriber(t, { lists: { [list.id]: 'confirmed' } });
    const sent = await sendCampaign(t, sink, editor, { mjml: MJML, listIds: [list.id] }, 1);
    const links = linksOf(sent.mails.get(person.email)!);
    const message = sent.messages.get(person.email)!;
    const erase = `/p/${t.app.get(TokenService).sign('preferences', { s: person.id }, 3600)}/erase`;
    // an open before the erasure: the person's last open (for segments) goes with their data
    await t.http().get(pathOf(links.pixel)).set('User-Agent', IPHONE_MAIL).expect(200);
    await flushTracking(t);
    expect(await lastOpenOf(person.id)).not.toBeNull();
    await t.http().post(erase).type('form').send({}).expect(200);
    expect(await lastOpenOf(person.id)).toBeNull();
    await t
      .http()
      .get(pathOf(links.pixel))
      .set('User-Agent', DESKTOP)
      .set('X-Forwarded-For', '198.51.100.61')
      .expect(200)
      .expect('Content-Type', 'image/gif');
    expect(
      (await t.http().get(pathOf(links.clicks[0])).set('X-Forwarded-For', '198.51.100.62').expect(302)).headers
        .location,
    ).toBe(SPRING);
    await t.http().head(pathOf(links.clicks[1])).expect(302);
    expect((await eventsOf(message.id, 'opened')).length).toBe(1); // the one before the erasure
    expect(await eventsOf(message.id, 'clicked')).toEqual([]);
    expect(await lastOpenOf(person.id)).toBeNull();
    const events = await t.app.get(DataSource).getRepository(MessageEvent).findBy({ messageId: message.id });
    expect(JSON.stringify(events)).not.toMatch(/198\.51\.100\.6|Macintosh/);
  });
});

describe('Open and click tracking: stopping the service (e2e)', () => {
  const flushMs = RECORDER_OPTIONS.flushMs;
  // The timer would write them within a quarter second, perhaps while the service is closing: here only the shutdown can.
  beforeAll(() => (RECORDER_OPTIONS.flushMs = 3_600_000));
  afterAll(() => (RECORDER_OPTIONS.flushMs = flushMs));

  it('writes the opens still waiting in memory before it stops', async () => {
    const t = await createTestApp();
    let closed = false;
    try {
      const message = await t.app
        .get(DataSource)
        .getRepository(Message)
        .save({
          stream: 'campaign',
          toEmail: 'reader@example.com',
          template: 'campaign',
          status: 'sent',
          sentAt: new Date(),
        } as Partial<Message>);
      const token = t.app.get(TokenService).sign('open', { m: message.id });
      await Promise.all(Array.from({ length: 5 }, () => t.http().get(`/o/${token}`).expect(200)));
      expect(await t.app.get(DataSource).getRepository(MessageEvent).countBy({ messageId: message.id })).toBe(0);
      await t.app.close();
      closed = true;
      const db = await new DataSource(dataSourceOptions(t.config.database)).initialize();
      try {
        expect(await db.getRepository(MessageEvent).countBy({ messageId: message.id, type: 'opened' })).toBe(5);
      } finally {
        await db.destroy();
      }
    } finally {
      if (!closed) await t.app.close();
      await t.db.drop();
    }
  });
});
