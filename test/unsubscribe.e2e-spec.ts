import { DataSource } from 'typeorm';
import { MessageEvent } from '../src/delivery/message-event.entity';
import { MailingList } from '../src/lists/list.entity';
import { Subscriber } from '../src/subscribers/subscriber.entity';
import { Subscription } from '../src/subscribers/subscription.entity';
import { TokenService } from '../src/tokens/token.service';
import { linksOf, pathOf, sendCampaign, tampered } from './support/campaign-mail';
import { makeList, makeSubscriber, membershipsOf, uniqueTag } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';
import { signRaw } from './support/raw-tokens';

const MJML = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hello {{subscriber.name}}</mj-text>
</mj-column></mj-section></mj-body></mjml>`;
const YEAR_MS = 366 * 24 * 3600 * 1000;

describe('Unsubscribe (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let editor: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'Shop <news@shop.example>' });
    editor = await t.tokenFor('editor');
  });
  afterAll(async () => {
    jest.useRealTimers();
    await t?.close();
    await sink?.stop();
  });

  /**
   * A person on lists A and B (the campaign's) and C (not the campaign's), and a neighbour on A and B;
   * the campaign goes to A and B. Answers the person's unsubscribe path from the mail's List-Unsubscribe.
   */
  async function mailedPerson() {
    const a = await makeList(t, { name: `Weekly <b>news</b> ${uniqueTag()}` });
    const b = await makeList(t);
    const c = await makeList(t);
    const person = await makeSubscriber(t, {
      lists: { [a.id]: 'confirmed', [b.id]: 'unconfirmed', [c.id]: 'confirmed' },
    });
    const neighbour = await makeSubscriber(t, { lists: { [a.id]: 'confirmed', [b.id]: 'confirmed' } });
    const sent = await sendCampaign(t, sink, editor, { mjml: MJML, listIds: [a.id, b.id] }, 2);
    const path = pathOf(linksOf(sent.mails.get(person.email)!).unsubscribe);
    return { a, b, c, person, neighbour, sent, path, messageId: sent.messages.get(person.email)!.id };
  }

  const unsubscribedEvents = (messageId: string) =>
    t.app.get(DataSource).getRepository(MessageEvent).findBy({ messageId, type: 'unsubscribed' });
  const statuses = async (subscriberId: string) => (await membershipsOf(t, subscriberId)).map((m) => m.status);

  it('GET shows a page with one confirm button posting to the same URL, and changes nothing', async () => {
    const { a, person, path, messageId } = await mailedPerson();
    const before = await membershipsOf(t, person.id);
    const res = await t
      .http()
      .get(path)
      .expect(200)
      .expect('Content-Type', /text\/html/);
    // The unsubscribe button posts to this very URL; the only other one asks for a preferences link by mail.
    const token = path.slice('/u/'.length);
    expect(res.text.match(/<form\b[^>]*>/g)).toEqual([
      '<form method="post">',
      `<form method="post" action="${token}/preferences-link">`,
    ]);
    expect(res.text.match(/<button\b/g)).toHaveLength(2);
    expect(res.text).not.toMatch(/\/p\//);
    // the list name an editor typed is escaped
    expect(res.text).toContain(a.name.replace('<b>', '&lt;b&gt;').replace('</b>', '&lt;/b&gt;'));
    expect(res.text).not.toContain('<b>news</b>');
    await t.http().get(path).expect(200);
    expect(await membershipsOf(t, person.id)).toEqual(before);
    expect(await unsubscribedEvents(messageId)).toEqual([]);
  });

  it('a one-click POST exactly as Gmail sends it leaves the campaign’s lists at once: 200, no redirect', async () => {
    const { a, b, c, person, neighbour, path, messageId } = await mailedPerson();
    const res = await t
      .http()
      .post(path)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('List-Unsubscribe=One-Click')
      .expect(200);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.text).toContain('unsubscribed');
    const rows = await t.app.get(DataSource).getRepository(Subscription).findBy({ subscriberId: person.id });
    const byList = new Map(rows.map((r) => [r.listId, r]));
    expect(byList.get(a.id)).toMatchObject({ status: 'unsubscribed', unsubscribedAt: expect.any(Date) });
    expect(byList.get(b.id)).toMatchObject({ status: 'unsubscribed', unsubscribedAt: expect.any(Date) });
    expect(byList.get(c.id)).toMatchObject({ status: 'confirmed', unsubscribedAt: null });
    expect(await statuses(neighbour.id)).toEqual(['confirmed', 'confirmed']);
    const events = await unsubscribedEvents(messageId);
    expect(events.map((e) => e.detail)).toEqual([{ lists: expect.arrayContaining([a.id, b.id]), via: 'one-click' }]);

    // Idempotent: the same answer, nothing more recorded.
    await t.http().post(path).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(await unsubscribedEvents(messageId)).toHaveLength(1);
  });

  it('accepts the one-click POST as multipart/form-data', async () => {
    const { a, b, person, path, messageId } = await mailedPerson();
    await t.http().post(path).field('List-Unsubscribe', 'One-Click').expect(200);
    const rows = await t.app.get(DataSource).getRepository(Subscription).findBy({ subscriberId: person.id });
    expect(rows.filter((r) => [a.id, b.id].includes(r.listId)).map((r) => r.status)).toEqual([
      'unsubscribed',
      'unsubscribed',
    ]);
    // the multipart body was read: recorded as the mail client's one-click, not the page's button
    expect((await unsubscribedEvents(messageId)).map((e) => e.detail?.via)).toEqual(['one-click']);
  });

  it('the page’s button (an empty form) does the same', async () => {
    const { a, b, person, path, messageId } = await mailedPerson();
    await t.http().post(path).type('form').send('').expect(200);
    const rows = await t.app.get(DataSource).getRepository(Subscription).findBy({ subscriberId: person.id });
    expect(rows.filter((r) => [a.id, b.id].includes(r.listId)).map((r) => r.status)).toEqual([
      'unsubscribed',
      'unsubscribed',
    ]);
    expect((await unsubscribedEvents(messageId)).map((e) => e.detail?.via)).toEqual(['page']);
  });

  it('a tampered token, or a token of another kind, changes nothing: 404 page', async () => {
    const { person, path, messageId } = await mailedPerson();
    const tokens = t.app.get(TokenService);
    const preferences = signRaw(tokens, 'preferences', { s: person.id, m: messageId }, 3600);
    for (const bad of [tampered(path), `/u/${preferences}`, '/u/garbage']) {
      const page = await t
        .http()
        .get(bad)
        .expect(404)
        .expect('Content-Type', /text\/html/);
      expect(page.text).toContain('invalid');
      const res = await t.http().post(bad).type('form').send('List-Unsubscribe=One-Click').expect(404);
      expect(res.headers.location).toBeUndefined();
    }
    expect(await statuses(person.id)).toEqual(expect.not.arrayContaining(['unsubscribed']));
    expect(await unsubscribedEvents(messageId)).toEqual([]);
  });

  it('a token naming someone else’s message (a test mail’s link) changes nothing', async () => {
    const { a, b, person, sent } = await mailedPerson();
    const otherMessage = [...sent.messages.values()].find((m) => m.subscriberId !== person.id)!;
    const forged = t.app.get(TokenService).sign('unsubscribe', { m: otherMessage.id, s: person.id, c: sent.id });
    await t.http().post(`/u/${forged}`).type('form').send('List-Unsubscribe=One-Click').expect(404);
    const rows = await t.app.get(DataSource).getRepository(Subscription).findBy({ subscriberId: person.id });
    expect(
      rows
        .filter((r) => [a.id, b.id].includes(r.listId))
        .map((r) => r.status)
        .sort(),
    ).toEqual(['confirmed', 'unconfirmed']);
  });

  it('the next campaign skips the address that unsubscribed', async () => {
    const { a, b, person, neighbour, path } = await mailedPerson();
    await t.http().post(path).type('form').send('List-Unsubscribe=One-Click').expect(200);
    const next = await sendCampaign(t, sink, editor, { mjml: MJML, listIds: [a.id, b.id] }, 1);
    expect([...next.mails.keys()]).toEqual([neighbour.email]);
    expect([...next.messages.keys()]).toEqual([neighbour.email]);
    expect(next.messages.has(person.email)).toBe(false);
  });

  it('never rate-limits the one-click POST of a valid token, while guesses from the same IP get 429', async () => {
    const { a, person, path } = await mailedPerson();
    const ip = { 'X-Forwarded-For': '203.0.113.77' };
    for (let i = 0; i < 30; i++)
      await t.http().post(`/u/guess-${i}`).set(ip).type('form').send('List-Unsubscribe=One-Click').expect(404);
    await t.http().post('/u/guess-31').set(ip).type('form').send('List-Unsubscribe=One-Click').expect(429);
    await t.http().post(path).set(ip).type('form').send('List-Unsubscribe=One-Click').expect(200);
    const row = await t.app
      .get(DataSource)
      .getRepository(Subscription)
      .findOneBy({ subscriberId: person.id, listId: a.id });
    expect(row?.status).toBe('unsubscribed');
  });

  it('leaves every list when the campaign has been deleted since', async () => {
    const { c, person, sent, path } = await mailedPerson();
    await t.http().delete(`/api/campaigns/${sent.id}`).set('Authorization', `Bearer ${editor}`).expect(204);
    const page = await t.http().get(path).expect(200);
    expect(page.text).toContain('all our mailing lists');
    await t.http().post(path).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(await statuses(person.id)).toEqual(['unsubscribed', 'unsubscribed', 'unsubscribed']);
    expect(await t.app.get(DataSource).getRepository(MailingList).existsBy({ id: c.id })).toBe(true);
  });

  it('works a year after the mail, when a preferences link has long expired', async () => {
    const { a, person, path, messageId } = await mailedPerson();
    const preferences = signRaw(t.app.get(TokenService), 'preferences', { s: person.id, m: messageId }, 7 * 24 * 3600);
    // Only the clock moves (the tokens are checked against Date.now()); timers run as usual.
    jest.useFakeTimers({
      now: Date.now() + YEAR_MS,
      advanceTimers: true,
      doNotFake: [
        'nextTick',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
        'queueMicrotask',
        'hrtime',
        'performance',
      ],
    });
    try {
      expect(t.app.get(TokenService).verify('preferences', preferences)).toBeNull();
      await t.http().post(path).type('form').send('List-Unsubscribe=One-Click').expect(200);
    } finally {
      jest.useRealTimers();
    }
    const row = await t.app
      .get(DataSource)
      .getRepository(Subscription)
      .findOneBy({ subscriberId: person.id, listId: a.id });
    expect(row?.status).toBe('unsubscribed');
    expect(await t.app.get(DataSource).getRepository(Subscriber).existsBy({ id: person.id })).toBe(true);
  });

  it("names the campaign's private lists only to their own members, before and after unsubscribing, and never in List-Id", async () => {
    const open = await makeList(t, { name: `Weekly ${uniqueTag()}` });
    const secret = await makeList(t, { name: `Churn risk ${uniqueTag()}`, visibility: 'private' });
    const weeklyOnly = await makeSubscriber(t, { lists: { [open.id]: 'confirmed' } });
    const member = await makeSubscriber(t, { lists: { [open.id]: 'confirmed', [secret.id]: 'confirmed' } });
    const sent = await sendCampaign(t, sink, editor, { mjml: MJML, listIds: [secret.id, open.id] }, 2);
    // List-Id is one header for all recipients: it names the first public list, never the private one.
    for (const mail of sent.mails.values())
      expect(mail.headers.get('list-id')).toEqual([`${open.name} <${open.id}.lists.shop.example>`]);
    const pathFor = (email: string) => pathOf(linksOf(sent.mails.get(email)!).unsubscribe);

    const outsider = pathFor(weeklyOnly.email);
    for (const res of [
      await t.http().get(outsider).expect(200),
      await t.http().post(outsider).type('form').send('').expect(200),
    ]) {
      expect(res.text).toContain(open.name);
      expect(res.text).not.toContain(secret.name);
    }
    const insider = pathFor(member.email);
    for (const res of [
      await t.http().get(insider).expect(200),
      await t.http().post(insider).type('form').send('').expect(200),
    ]) {
      expect(res.text).toContain(open.name);
      expect(res.text).toContain(secret.name);
    }
  });

  it("gives List-Id no name when all of the campaign's lists are private", async () => {
    const secret = await makeList(t, { name: `Churn risk ${uniqueTag()}`, visibility: 'private' });
    const member = await makeSubscriber(t, { lists: { [secret.id]: 'confirmed' } });
    const sent = await sendCampaign(t, sink, editor, { mjml: MJML, listIds: [secret.id] }, 1);
    expect(sent.mails.get(member.email)!.headers.get('list-id')).toEqual([`<${secret.id}.lists.shop.example>`]);
  });
});
