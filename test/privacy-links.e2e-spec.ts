import request from 'supertest';
import { DataSource } from 'typeorm';
import { MessageEvent } from '../src/delivery/message-event.entity';
import { Message } from '../src/delivery/message.entity';
import { Subscriber } from '../src/subscribers/subscriber.entity';
import { TokenService } from '../src/tokens/token.service';
import { UsersService } from '../src/users/users.service';
import { until } from './support/browser';
import { flushTracking, pathOf, sendCampaign } from './support/campaign-mail';
import { makeList, makeSubscriber, membershipsOf, uniqueTag } from './support/factories';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';
import { signRaw } from './support/raw-tokens';

const MJML = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hello {{subscriber.name}} from {{subscriber.attributes.city}}</mj-text>
  <mj-button href="https://shop.example/sale?x=1#top">See the sale</mj-button>
  <mj-text><a href="{{preferencesUrl}}">Preferences</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;

/** Every /u/… and /p/… token in a text (mail, page, srcdoc), with its path. */
function ownLinks(text: string): { unsubscribe: string[]; preferences: string[]; centre: string[] } {
  const found = (re: RegExp) => [...new Set([...text.matchAll(re)].map((m) => m[1]))];
  return {
    unsubscribe: found(/\/u\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)(?![A-Za-z0-9_/-])/g).map((tok) => `/u/${tok}`),
    preferences: found(/\/u\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\/preferences)\b/g).map((p) => `/u/${p}`),
    centre: found(/\/p\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/g).map((tok) => `/p/${tok}`),
  };
}

describe('Links of previews, test sends and old mail (e2e)', () => {
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
  const eventCount = () => db().getRepository(MessageEvent).count();

  async function adminAgent(role: 'viewer' | 'editor') {
    const email = `${role}-${uniqueTag()}@example.com`;
    await t.app.get(UsersService).create(email, 'correct horse battery', role);
    const agent = request.agent(t.baseUrl);
    const form = await agent.get('/admin/login').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    await agent
      .post('/admin/login')
      .type('form')
      .send({ email, password: 'correct horse battery', _csrf: csrf })
      .expect(303);
    return agent;
  }

  /** A list with one real person on it, and a draft campaign to it. */
  async function draftToPerson() {
    const list = await makeList(t);
    const person = await makeSubscriber(t, {
      name: 'Grace Hopper',
      attributes: { city: 'Arlington' },
      lists: { [list.id]: 'confirmed' },
    });
    const campaign = (
      await t
        .http()
        .post('/api/campaigns')
        .set(auth())
        .send({ name: `C ${uniqueTag()}`, subject: 'Sale', mjml: MJML, listIds: [list.id] })
        .expect(201)
    ).body;
    return { list, person, campaign };
  }

  /** Uses every link a person could use against the subscriber: erase, unsubscribe, ask for a link. */
  async function tryEverything(links: ReturnType<typeof ownLinks>) {
    for (const path of links.centre) {
      await t.http().get(`${path}/export`);
      await t.http().post(`${path}/erase`);
    }
    for (const path of links.unsubscribe) {
      await t.http().post(path).type('form').send('List-Unsubscribe=One-Click');
      await t.http().post(`${path}/preferences-link`).type('form').send('');
    }
  }

  it('a viewer’s review page preview carries no working link to anyone’s data: erasing with it leaves the subscriber', async () => {
    const { person, campaign } = await draftToPerson();
    const viewer = await adminAgent('viewer');
    const page = await viewer.get(`/admin/campaigns/${campaign.id}/review`).expect(200);
    expect(page.text).toContain('Hello Grace Hopper from Arlington'); // filled with the first recipient's data
    const links = ownLinks(page.text);
    expect(links.centre).toEqual([]);
    expect(links.unsubscribe.length).toBeGreaterThan(0);
    const before = await membershipsOf(t, person.id);
    const mailsBefore = sink.received.length;
    await tryEverything(links);
    expect(await db().getRepository(Subscriber).existsBy({ id: person.id })).toBe(true);
    expect(await membershipsOf(t, person.id)).toEqual(before);
    // The preview's unsubscribe link says it is a test; its preferences link likewise, and mails nothing.
    const unsubscribe = await t.http().get(links.unsubscribe[0]).expect(200);
    expect(unsubscribe.text).toContain('This is a test mail: unsubscribing is not possible from it');
    const prefs = await t.http().get(links.preferences[0]).expect(200);
    expect(prefs.text).toContain('This is a test mail');
    await new Promise((r) => setTimeout(r, 300)); // a mail would be queued already: give it time to arrive
    expect(sink.received.slice(mailsBefore).filter((m) => m.to.includes(person.email))).toEqual([]);
  });

  it('a template preview’s links act on nobody and say it is a test', async () => {
    const editorAgent = await adminAgent('editor');
    const tpl = (
      await t
        .http()
        .post('/api/templates')
        .set(auth())
        .send({ name: `T ${uniqueTag()}`, kind: 'campaign', subject: 'S', mjml: MJML })
        .expect(201)
    ).body;
    const page = await editorAgent.get(`/admin/templates/${tpl.id}/preview`).expect(200);
    const links = ownLinks(page.text);
    expect(links.centre).toEqual([]);
    expect(links.preferences).toHaveLength(1);
    const res = await t.http().get(links.preferences[0]).expect(200);
    expect(res.text).toContain('This is a test mail');
  });

  it('a test mail’s links unsubscribe nobody, record nothing, say it is a test, and its click links still redirect', async () => {
    const { person, campaign } = await draftToPerson();
    const typed = `someone-else-${uniqueTag()}@elsewhere.example`;
    await t
      .http()
      .post(`/api/campaigns/${campaign.id}/test`)
      .set(auth())
      .send({ emails: [typed] })
      .expect(202);
    const [mail] = await sink.waitFor((m: ReceivedMail) => m.to.includes(typed));
    expect(mail.parsed.subject).toBe('[Test] Sale');
    const html = mail.parsed.html ?? '';
    const links = ownLinks(`${html}\n${mail.parsed.text}\n${mail.headers.get('list-unsubscribe')?.join('\n')}`);
    expect(links.centre).toEqual([]);
    const unsubscribe = /^<([^>]+)>$/.exec(mail.headers.get('list-unsubscribe')![0])![1];
    const pixel = /<img src="(https?:\/\/[^"]+\/o\/[^"]+)"/.exec(html)?.[1];
    const click = /href="(https?:\/\/[^"]+\/c\/[^"]+)"/.exec(html)![1];
    // The test send is a message of the log (the outbox): counted once it is marked sent.
    const testSend = await until(
      () => db().getRepository(Message).findOneBy({ toEmail: typed, status: 'sent' }),
      'the test send to be logged as sent',
    );
    const events = await eventCount();
    const before = await membershipsOf(t, person.id);

    const shown = await t.http().get(pathOf(unsubscribe)).expect(200);
    expect(shown.text).toContain('This is a test mail: unsubscribing is not possible from it');
    expect(shown.text).not.toContain('invalid');
    const done = await t.http().post(pathOf(unsubscribe)).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(done.text).toContain('This is a test mail: nobody was unsubscribed');
    const prefs = await t.http().get(links.preferences[0]).expect(200);
    expect(prefs.text).toContain('This is a test mail');
    expect(
      (
        await t
          .http()
          .post(`${pathOf(unsubscribe)}/preferences-link`)
          .type('form')
          .send('')
          .expect(200)
      ).text,
    ).toContain('This is a test mail');
    if (pixel) await t.http().get(pathOf(pixel)).expect(200);
    const redirect = await t.http().get(pathOf(click)).expect(302);
    expect(redirect.headers.location).toBe('https://shop.example/sale?x=1#top');

    await tryEverything(links);
    await flushTracking(t);
    expect(await membershipsOf(t, person.id)).toEqual(before);
    expect(await eventCount()).toBe(events);
    // Its one row is the test send itself (kind 'test', campaign stream), counted for no campaign, with no opens or clicks.
    expect(await db().getRepository(Message).findBy({ toEmail: typed })).toEqual([
      expect.objectContaining({ id: testSend.id, kind: 'test', stream: 'campaign', campaignId: null }),
    ]);
    expect(
      (await db().getRepository(MessageEvent).findBy({ messageId: testSend.id })).map((e) => e.type).sort(),
    ).toEqual(['queued', 'sent']);
  });

  it('GET /u/TOKEN carries no preference-centre link; its button mails a fresh one to the address on file', async () => {
    const list = await makeList(t);
    const person = await makeSubscriber(t, { name: 'Ada', lists: { [list.id]: 'confirmed' } });
    const sent = await sendCampaign(t, sink, editor, { mjml: MJML, listIds: [list.id] }, 1);
    const mail = sent.mails.get(person.email)!;
    expect(ownLinks(`${mail.parsed.html}\n${mail.parsed.text}`).centre).toEqual([]);
    const unsubscribe = pathOf(/^<([^>]+)>$/.exec(mail.headers.get('list-unsubscribe')![0])![1]);
    const token = unsubscribe.slice('/u/'.length);

    const page = await t.http().get(unsubscribe).expect(200);
    expect(page.text).not.toMatch(/\/p\//);
    expect(page.text).toContain(`<form method="post" action="${token}/preferences-link">`);
    expect(page.text).toContain('Email me a link to my preferences');
    // The mail's preferencesUrl leads to the same request, not to the data.
    const prefsPage = await t.http().get(`${unsubscribe}/preferences`).expect(200);
    expect(prefsPage.text).not.toMatch(/\/p\//);
    expect(prefsPage.text).toContain('Email me a link to my preferences');

    // The address on file changed since the mail went out: the link goes there, never to the old one.
    const current = `ada-now-${uniqueTag()}@example.com`;
    await t.http().patch(`/api/subscribers/${person.id}`).set(auth()).send({ email: current }).expect(200);
    const before = sink.received.length;
    const answer = await t.http().post(`${unsubscribe}/preferences-link`).type('form').send('').expect(200);
    expect(answer.text).toContain('We sent a link to your preferences to the address this mail was sent to');
    expect(answer.text).not.toContain(current);
    const [linkMail] = await sink.waitFor(
      (m, i = sink.received.indexOf(m)) =>
        i >= before && m.parsed.subject === 'Your link to manage your email preferences',
    );
    expect(linkMail.to).toEqual([current]);
    const centre = ownLinks(linkMail.parsed.text ?? '').centre[0];
    const opened = await t.http().get(centre).expect(200);
    expect(opened.text).toContain(current);

    // The unsubscribed page offers the same button, no link.
    const left = await t.http().post(unsubscribe).type('form').send('').expect(200);
    expect(left.text).not.toMatch(/\/p\//);
    expect(left.text).toContain('Email me a link to my preferences');
  });

  it('a preference token put in mail before (one naming a message) no longer opens the preference centre', async () => {
    const person = await makeSubscriber(t);
    const message = '00000000-0000-4000-8000-000000000001';
    const old = signRaw(t.app.get(TokenService), 'preferences', { s: person.id, m: message }, 3600);
    await t.http().get(`/p/${old}`).expect(404);
    await t.http().get(`/p/${old}/export`).expect(404);
    await t.http().post(`/p/${old}/erase`).expect(404);
    expect(await db().getRepository(Subscriber).existsBy({ id: person.id })).toBe(true);
  });
});
