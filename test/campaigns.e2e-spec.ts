import { DataSource } from 'typeorm';
import { Campaign } from '../src/campaigns/campaign.entity';
import { Message } from '../src/delivery/message.entity';
import { SuppressionService } from '../src/delivery/suppression.service';
import { TokenService } from '../src/tokens/token.service';
import { makeList, makeSubscriber, uniqueTag } from './support/factories';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { SettingsService } from '../src/settings/settings.service';
import { createTestApp, TestApp } from './support/test-app';
import { until } from './support/until';

const MJML = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hello {{#if subscriber.name}}{{subscriber.name}}{{else}}friend{{/if}} from {{subscriber.attributes.city}}</mj-text>
  <mj-button href="https://shop.example/spring?utm=mail&amp;x=1">Shop the sale</mj-button>
  <mj-text><a href="mailto:help@shop.example">Write to us</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;

describe('Campaigns (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let editor: string;
  let viewer: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({
      SMTP_URL: sink.url,
      MAIL_FROM: 'Shop News <news@shop.example>',
      COMPANY_ADDRESS: 'Shop Ltd, 1 High St, London',
    });
    editor = await t.tokenFor('editor');
    viewer = await t.tokenFor('viewer');
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const api = (token = editor) => ({
    get: (path: string) => t.http().get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object = {}) => t.http().post(path).set('Authorization', `Bearer ${token}`).send(body),
    patch: (path: string, body: object) => t.http().patch(path).set('Authorization', `Bearer ${token}`).send(body),
    delete: (path: string) => t.http().delete(path).set('Authorization', `Bearer ${token}`),
  });
  const mailOf = (campaignId: string) => (m: ReceivedMail) =>
    (m.headers.get('feedback-id') ?? []).some((v) => v.startsWith(campaignId));

  async function waitForStatus(id: string, status: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await api().get(`/api/campaigns/${id}`).expect(200);
      if (res.body.status === status) return res.body;
      if (Date.now() > deadline)
        throw new Error(`campaign ${id} is ${res.body.status}, not ${status}: ${JSON.stringify(res.body.progress)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  describe('editing', () => {
    it('creates a draft from inline MJML, reads, lists, edits and deletes it', async () => {
      const list = await makeList(t);
      const created = await api()
        .post('/api/campaigns', { name: 'Spring', subject: 'Spring is here', mjml: MJML, listIds: [list.id] })
        .expect(201);
      expect(created.body).toMatchObject({
        name: 'Spring',
        subject: 'Spring is here',
        status: 'draft',
        listIds: [list.id],
        trackOpens: true,
        trackClicks: true,
        templateId: null,
        progress: { total: 0, sent: 0, failed: 0, pending: 0 },
      });
      const id = created.body.id;
      expect((await api(viewer).get(`/api/campaigns/${id}`).expect(200)).body.name).toBe('Spring');
      const page = await api(viewer).get('/api/campaigns?limit=100').expect(200);
      expect(page.body.items.map((c: { id: string }) => c.id)).toContain(id);
      const edited = await api()
        .patch(`/api/campaigns/${id}`, { name: 'Spring sale', trackOpens: false, fromName: 'The Shop' })
        .expect(200);
      expect(edited.body).toMatchObject({ name: 'Spring sale', trackOpens: false, fromName: 'The Shop' });
      await api(viewer).patch(`/api/campaigns/${id}`, { name: 'x' }).expect(403);
      await api().delete(`/api/campaigns/${id}`).expect(204);
      await api().get(`/api/campaigns/${id}`).expect(404);
    });

    it('makes a campaign from a stored template', async () => {
      const list = await makeList(t);
      const template = await api()
        .post('/api/templates', { name: `News ${uniqueTag()}`, kind: 'campaign', subject: 'x', mjml: MJML })
        .expect(201);
      const res = await api()
        .post('/api/campaigns', {
          name: 'From template',
          subject: 'S',
          templateId: template.body.id,
          listIds: [list.id],
        })
        .expect(201);
      expect(res.body.templateId).toBe(template.body.id);
      expect(res.body.templateVersionId).toBe(template.body.currentVersionId ?? res.body.templateVersionId);
    });

    it('refuses bad input with a 400 naming the field', async () => {
      const list = await makeList(t);
      const base = { name: 'X', subject: 'Y', mjml: MJML, listIds: [list.id] };
      const cases: Array<[object, RegExp]> = [
        [{ ...base, listIds: [] }, /listIds/],
        [{ ...base, listIds: ['00000000-0000-4000-8000-000000000000'] }, /does not exist/],
        [{ ...base, subject: 'Hi\r\nBcc: victim@example.com' }, /subject must not contain line breaks/],
        [{ ...base, fromEmail: 'not an address' }, /fromEmail/],
        [{ ...base, mjml: undefined }, /templateId or mjml is required/],
        [{ ...base, templateId: '00000000-0000-4000-8000-000000000000' }, /not both/],
        [{ ...base, mjml: undefined, templateId: '00000000-0000-4000-8000-000000000000' }, /templateId/],
        [{ ...base, subject: 'Hi {{#if x}}' }, /Handlebars/],
      ];
      for (const [body, message] of cases) {
        const res = await api().post('/api/campaigns', body).expect(400);
        expect(JSON.stringify(res.body.message)).toMatch(message);
      }
      const invalid = await api()
        .post('/api/campaigns', {
          ...base,
          mjml: '<mjml><mj-body><mj-section><mj-column>\n<mj-text padding="wide">x</mj-text></mj-column></mj-section></mj-body></mjml>',
        })
        .expect(400);
      expect(invalid.body.message).toEqual([expect.objectContaining({ line: 2, tagName: 'mj-text' })]);
    });

    it('takes fromEmail only from the senders set up in Settings (by default MAIL_FROM’s), else 400 naming them', async () => {
      const list = await makeList(t);
      const base = { name: 'From', subject: 'S', mjml: MJML, listIds: [list.id] };
      const refused = await api()
        .post('/api/campaigns', { ...base, fromEmail: 'ceo@elsewhere.example' })
        .expect(400);
      expect(refused.body.message).toEqual([
        'fromEmail must be one of the senders set up in Settings: news@shop.example',
      ]);
      const byDefault = await api()
        .post('/api/campaigns', { ...base, fromEmail: 'NEWS@shop.example' })
        .expect(201);
      expect(byDefault.body.fromEmail).toBe('news@shop.example');

      const settings = t.app.get(SettingsService);
      await settings.setSenders([
        { name: 'Offers', email: 'offers@shop.example' },
        { name: 'Team', email: 'team@shop.example' },
      ]);
      try {
        const patched = await api()
          .patch(`/api/campaigns/${byDefault.body.id}`, { fromEmail: 'team@shop.example' })
          .expect(200);
        expect(patched.body.fromEmail).toBe('team@shop.example');
        const bad = await api()
          .patch(`/api/campaigns/${byDefault.body.id}`, { fromEmail: 'news@shop.example' })
          .expect(400);
        expect(bad.body.message).toEqual([
          'fromEmail must be one of the senders set up in Settings: offers@shop.example, team@shop.example',
        ]);
        // null goes back to MAIL_FROM's, the service's own.
        await api().patch(`/api/campaigns/${byDefault.body.id}`, { fromEmail: null }).expect(200);
        expect((await api().get(`/api/campaigns/${byDefault.body.id}`).expect(200)).body.fromEmail).toBeNull();
      } finally {
        await settings.setSenders([]);
      }
    });

    it('refuses edits once sending started, and sending twice', async () => {
      const list = await makeList(t);
      const id = (
        await api()
          .post('/api/campaigns', { name: 'Empty', subject: 'S', mjml: MJML, listIds: [list.id] })
          .expect(201)
      ).body.id;
      expect((await api().post(`/api/campaigns/${id}/send`).expect(202)).body).toEqual({ status: 'sending' });
      await waitForStatus(id, 'sent'); // nobody on the list: done at once
      await api().patch(`/api/campaigns/${id}`, { name: 'Late' }).expect(409);
      await api().post(`/api/campaigns/${id}/send`).expect(409);
      await api().post(`/api/campaigns/${id}/pause`).expect(409);
    });

    it('schedules a campaign for later and sends it at that time', async () => {
      const list = await makeList(t);
      const s = await makeSubscriber(t, { lists: { [list.id]: 'confirmed' } });
      const id = (
        await api()
          .post('/api/campaigns', { name: 'Later', subject: 'Later', mjml: MJML, listIds: [list.id] })
          .expect(201)
      ).body.id;
      const sendAt = new Date(Date.now() + 1500).toISOString();
      expect((await api().post(`/api/campaigns/${id}/send`, { sendAt }).expect(202)).body).toEqual({
        status: 'scheduled',
      });
      expect((await api().get(`/api/campaigns/${id}`).expect(200)).body.sendAt).toBe(sendAt);
      const [mail] = await sink.waitFor(mailOf(id));
      expect(mail.to).toEqual([s.email]);
      await waitForStatus(id, 'sent');
    });

    it('sends a test mail with a real subscriber’s data, counting nothing', async () => {
      const list = await makeList(t);
      await makeSubscriber(t, { name: 'Ada', attributes: { city: 'Oslo' }, lists: { [list.id]: 'confirmed' } });
      const id = (
        await api()
          .post('/api/campaigns', { name: 'T', subject: 'Hi {{subscriber.name}}', mjml: MJML, listIds: [list.id] })
          .expect(201)
      ).body.id;
      const to = `tester-${uniqueTag()}@shop.example`;
      await api()
        .post(`/api/campaigns/${id}/test`, { emails: [to] })
        .expect(202);
      const [mail] = await sink.waitFor((m) => m.to.includes(to));
      expect(mail.parsed.subject).toBe('[Test] Hi Ada');
      expect(mail.parsed.html).toContain('Hello Ada from Oslo');
      expect((await api().get(`/api/campaigns/${id}`).expect(200)).body).toMatchObject({
        status: 'draft',
        progress: { total: 0 },
      });
      await api()
        .post(`/api/campaigns/${id}/test`, { emails: ['a@b.example\r\nBcc: x@y.example'] })
        .expect(400);
    });
  });

  describe('sending to lists', () => {
    it('reaches each eligible address exactly once across overlapping lists, with the right headers and personalisation', async () => {
      const a = await makeList(t, { name: 'Weekly news', optIn: 'single' });
      const b = await makeList(t, { optIn: 'single' });
      const c = await makeList(t, { optIn: 'double' });
      const other = await makeList(t);
      const expected = new Set<string>();
      const excluded = new Set<string>();
      const add = async (
        n: number,
        lists: Record<string, 'confirmed' | 'unconfirmed' | 'unsubscribed'>,
        eligible: boolean,
        extra: { status?: 'blocklisted' } = {},
      ) => {
        const out = [];
        for (let i = 0; i < n; i++) {
          const s = await makeSubscriber(t, {
            name: `Reader ${uniqueTag()}`,
            attributes: { city: 'Lisbon' },
            lists,
            ...extra,
          });
          (eligible ? expected : excluded).add(s.email);
          out.push(s);
        }
        return out;
      };
      await add(120, { [a.id]: 'confirmed' }, true);
      await add(100, { [a.id]: 'confirmed', [b.id]: 'confirmed' }, true);
      await add(20, { [c.id]: 'confirmed' }, true);
      await add(10, { [a.id]: 'unsubscribed', [b.id]: 'confirmed' }, true);
      await add(30, { [c.id]: 'unconfirmed' }, false);
      await add(15, { [a.id]: 'unsubscribed' }, false);
      await add(10, { [a.id]: 'confirmed' }, false, { status: 'blocklisted' });
      const bounced = await add(10, { [a.id]: 'confirmed', [b.id]: 'confirmed' }, false);
      for (const s of bounced)
        await t.app.get(SuppressionService).suppress(s.email.toUpperCase(), 'hard-bounce', 'test');
      await add(5, { [other.id]: 'confirmed' }, false);

      const id = (
        await api()
          .post('/api/campaigns', {
            name: 'Big',
            subject: 'Hi {{subscriber.name}}',
            mjml: MJML,
            listIds: [a.id, b.id, c.id],
            fromName: 'Shop "Best"',
          })
          .expect(201)
      ).body.id;
      await api().post(`/api/campaigns/${id}/send`).expect(202);
      const done = await waitForStatus(id, 'sent', 120_000);
      expect(done.progress).toMatchObject({ total: 250, sent: 250, failed: 0, pending: 0 });

      const mails = sink.received.filter(mailOf(id));
      const recipients = mails.flatMap((m) => m.to);
      expect(recipients).toHaveLength(250);
      expect(new Set(recipients)).toEqual(expected);
      for (const email of excluded) expect(recipients).not.toContain(email);

      const tokens = t.app.get(TokenService);
      const rows = await t.app.get(DataSource).getRepository(Message).findBy({ campaignId: id });
      const rowByEmail = new Map(rows.map((r) => [r.toEmail, r]));
      for (const mail of mails.slice(0, 25)) {
        for (const name of [
          'message-id',
          'date',
          'from',
          'to',
          'subject',
          'list-unsubscribe',
          'list-unsubscribe-post',
          'list-id',
          'feedback-id',
        ]) {
          expect([name, mail.headers.get(name)?.length]).toEqual([name, 1]);
        }
        const row = rowByEmail.get(mail.to[0])!;
        expect(row.status).toBe('sent');
        expect(mail.headers.get('message-id')![0]).toBe(`<${row.id}@shop.example>`);
        expect(mail.headers.get('list-unsubscribe-post')![0]).toBe('List-Unsubscribe=One-Click');
        const unsub = /^<(http:\/\/127\.0\.0\.1:\d+)\/u\/([^>]+)>$/.exec(mail.headers.get('list-unsubscribe')![0]);
        expect(unsub?.[1]).toBe(t.baseUrl);
        expect(tokens.verify('unsubscribe', unsub![2])).toEqual({ m: row.id, s: row.subscriberId, c: id });
        expect(mail.headers.get('list-id')![0]).toBe(`Weekly news <${a.id}.lists.shop.example>`);
        expect(mail.headers.get('feedback-id')![0]).toBe(`${id}:campaign:mailcourier`);
        expect(mail.parsed.from).toMatchObject({ name: 'Shop "Best"', address: 'news@shop.example' });
        expect(mail.parsed.subject).toBe(`Hi ${row.toName}`);
        expect(mail.parsed.html).toContain(`Hello ${row.toName} from Lisbon`);
        // The pixel, the tracked call to action, the untouched mailto, the footer with the unsubscribe link.
        const pixel = /<img src="http:\/\/127\.0\.0\.1:\d+\/o\/([^"]+)" width="1" height="1"/.exec(mail.parsed.html!);
        expect(tokens.verify('open', pixel![1])).toEqual({ m: row.id });
        const click = /href="http:\/\/127\.0\.0\.1:\d+\/c\/([^"]+)"/.exec(mail.parsed.html!);
        expect(tokens.verify('click', click![1])).toEqual({ m: row.id, u: 'https://shop.example/spring?utm=mail&x=1' });
        expect(mail.parsed.html).toContain('href="mailto:help@shop.example"');
        expect(mail.parsed.html).toContain(`${t.baseUrl}/u/${unsub![2]}`);
        expect(mail.parsed.html).toContain('Shop Ltd, 1 High St, London');
        expect(mail.parsed.text).toContain(`${t.baseUrl}/u/${unsub![2]}`);
      }
    });
  });

  describe('with a send rate', () => {
    let slow: TestApp;
    let slowEditor: string;
    beforeAll(async () => {
      slow = await createTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'News <news@slow.example>', SEND_RATE: '25' });
      slowEditor = await slow.tokenFor('editor');
    });
    afterAll(async () => slow?.close());

    const slowApi = () => ({
      get: (path: string) => slow.http().get(path).set('Authorization', `Bearer ${slowEditor}`),
      post: (path: string, body: object = {}) =>
        slow.http().post(path).set('Authorization', `Bearer ${slowEditor}`).send(body),
    });
    const statusOf = async (id: string) => (await slowApi().get(`/api/campaigns/${id}`).expect(200)).body;
    const nothingInFlight = (id: string) =>
      until(
        async () =>
          (await slow.app.get(DataSource).getRepository(Message).countBy({ campaignId: id, status: 'sending' })) === 0,
        'no message in flight',
      );

    async function campaignTo(n: number) {
      const list = await makeList(slow);
      const subscribers = [];
      for (let i = 0; i < n; i++) subscribers.push(await makeSubscriber(slow, { lists: { [list.id]: 'confirmed' } }));
      const id = (
        await slowApi()
          .post('/api/campaigns', { name: 'Slow', subject: 'S', mjml: MJML, listIds: [list.id] })
          .expect(201)
      ).body.id;
      return { id, list, subscribers };
    }

    it('pauses with messages left queued, and resumes to send each of them once', async () => {
      const { id, subscribers } = await campaignTo(60);
      await slowApi().post(`/api/campaigns/${id}/send`).expect(202);
      await sink.waitFor(mailOf(id), 5);
      expect((await slowApi().post(`/api/campaigns/${id}/pause`).expect(200)).body.status).toBe('paused');
      await nothingInFlight(id);
      const paused = await statusOf(id);
      expect(paused.status).toBe('paused');
      expect(paused.progress.pending).toBeGreaterThan(0);
      expect(sink.received.filter(mailOf(id))).toHaveLength(paused.progress.sent);

      await slowApi().post(`/api/campaigns/${id}/resume`).expect(200);
      await until(async () => (await statusOf(id)).status === 'sent', 'the campaign to finish');
      const recipients = sink.received.filter(mailOf(id)).flatMap((m) => m.to);
      expect(recipients.sort()).toEqual(subscribers.map((s) => s.email).sort());
    });

    it('cancels: what was not yet sent never is', async () => {
      const { id } = await campaignTo(60);
      await slowApi().post(`/api/campaigns/${id}/send`).expect(202);
      await sink.waitFor(mailOf(id), 3);
      expect((await slowApi().post(`/api/campaigns/${id}/cancel`).expect(200)).body.status).toBe('cancelled');
      await nothingInFlight(id);
      const cancelled = await statusOf(id);
      expect(cancelled.progress.cancelled).toBeGreaterThan(0);
      expect(cancelled.progress.pending).toBe(0);
      expect(cancelled.progress.sent + cancelled.progress.cancelled).toBe(60);
      expect(sink.received.filter(mailOf(id))).toHaveLength(cancelled.progress.sent);
      await slowApi().post(`/api/campaigns/${id}/resume`).expect(409);
    });

    it('stops mail to someone who unsubscribes while the campaign is sending', async () => {
      const { id, list, subscribers } = await campaignTo(60);
      // Recipients are sent to in subscriber id order: the last one is reached last.
      const victim = [...subscribers].sort((x, y) => (x.id < y.id ? -1 : 1))[subscribers.length - 1];
      await slowApi().post(`/api/campaigns/${id}/send`).expect(202);
      await sink.waitFor(mailOf(id), 3);
      await slow.app
        .get(DataSource)
        .query(
          `UPDATE subscriptions SET status = 'unsubscribed' WHERE subscriber_id = ${slow.db.env.DATABASE_URL ? '$1' : '?'} AND list_id = ${slow.db.env.DATABASE_URL ? '$2' : '?'}`,
          [victim.id, list.id],
        );
      await until(async () => (await statusOf(id)).status === 'sent', 'the campaign to finish');
      const recipients = sink.received.filter(mailOf(id)).flatMap((m) => m.to);
      expect(recipients).not.toContain(victim.email);
      expect(recipients).toHaveLength(59);
      expect(new Set(recipients).size).toBe(59);
      const row = await slow.app
        .get(DataSource)
        .getRepository(Message)
        .findOneByOrFail({ campaignId: id, subscriberId: victim.id });
      expect(row.status).toBe('skipped');
      expect((await statusOf(id)).progress).toMatchObject({ total: 60, sent: 59, skipped: 1, pending: 0 });
      expect(
        (await slow.app.get(DataSource).getRepository(Campaign).findOneByOrFail({ id })).finishedAt,
      ).not.toBeNull();
    });
  });
});
