import { Browser } from 'playwright-core';
import { MessagesService } from '../src/delivery/messages.service';
import { BuiltInTemplates } from '../src/templates/built-in-templates';
import { launchBrowser, screenshot, signedInPage, stopAppAndBrowser } from './support/browser';
import { deliveredAgo, flushTracking, linksOf, pathOf, sendCampaign, SentCampaign } from './support/campaign-mail';
import { makeApiKey, makeList, makeSubscriber, uniqueTag } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';
import { until } from './support/until';

const DESKTOP =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
/** What Apple Mail Privacy Protection's proxy sends: a machine open. */
const APPLE_PROXY = 'Mozilla/5.0';
const SALE = 'https://shop.example/sale?utm=mail';
const FAQ = 'https://shop.example/faq';
const MJML = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hello {{subscriber.name}}</mj-text>
  <mj-button href="${SALE}">Shop the sale</mj-button>
  <mj-text><a href="${FAQ}">Questions?</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;

describe('admin UI: campaign report and message log', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let browser: Browser;
  let editor: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'Shop <news@shop.example>' });
    editor = await t.tokenFor('editor');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await stopAppAndBrowser(t, browser);
    await sink?.stop();
  });

  describe('campaign report', () => {
    let campaign: SentCampaign;
    let readers: string[];

    beforeAll(async () => {
      const list = await makeList(t);
      readers = [];
      for (let i = 0; i < 3; i++)
        readers.push((await makeSubscriber(t, { name: `Reader ${i}`, lists: { [list.id]: 'confirmed' } })).email);
      campaign = await sendCampaign(
        t,
        sink,
        editor,
        { name: `Spring sale ${uniqueTag()}`, mjml: MJML, listIds: [list.id] },
        readers.length,
      );
      const links = readers.map((r) => linksOf(campaign.mails.get(r)!));
      // Reader 0 opens twice and clicks the sale; reader 1's mail is fetched by Apple's proxy only; reader 2 clicks the FAQ.
      await t.http().get(pathOf(links[0].pixel)).set('User-Agent', DESKTOP).expect(200);
      await t.http().get(pathOf(links[0].pixel)).set('User-Agent', DESKTOP).expect(200);
      await t.http().get(pathOf(links[1].pixel)).set('User-Agent', APPLE_PROXY).expect(200);
      // Clicks within seconds of delivery are taken for link scanners: these mails were delivered a while ago.
      for (const r of [readers[0], readers[2]]) await deliveredAgo(t, campaign.messages.get(r)!.id, 120_000);
      await t.http().get(pathOf(links[0].clicks[0])).set('User-Agent', DESKTOP).expect(302).expect('location', SALE);
      await t.http().get(pathOf(links[2].clicks[1])).set('User-Agent', DESKTOP).expect(302).expect('location', FAQ);
      await flushTracking(t);
    });

    it('shows the same numbers as the stats API, machine opens apart, the chart and clicks per link', async () => {
      const api = await t
        .http()
        .get(`/api/campaigns/${campaign.id}/stats`)
        .set('Authorization', `Bearer ${editor}`)
        .expect(200);
      expect(api.body).toMatchObject({
        recipients: 3,
        sent: 3,
        opens: { unique: 1, total: 2, machine: 1 },
        clicks: { unique: 2, total: 2 },
      });

      const { page, consoleErrors } = await signedInPage(browser, t, 'viewer');
      await page.goto(`/admin/campaigns/${campaign.id}/report`);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/^Report: Spring sale/);
      const stat = (name: string) => page.locator(`[data-stat="${name}"] .value`).textContent();
      await expect(stat('recipients')).resolves.toBe(String(api.body.recipients));
      await expect(stat('sent')).resolves.toBe('3');
      await expect(stat('failed')).resolves.toBe('0');
      await expect(stat('bounced')).resolves.toBe('0');
      await expect(stat('opens-unique')).resolves.toBe('1');
      await expect(stat('opens-total')).resolves.toBe('2');
      await expect(stat('opens-machine')).resolves.toBe('1');
      await expect(stat('clicks-unique')).resolves.toBe('2');
      await expect(stat('clicks-total')).resolves.toBe('2');
      await expect(stat('unsubscribes')).resolves.toBe('0');
      await expect(stat('complaints')).resolves.toBe('0');
      // Rates are of the messages sent: 1 of 3 opened, 2 of 3 clicked.
      await expect(page.locator('[data-stat="opens-unique"] .label').textContent()).resolves.toContain('33.3%');
      await expect(page.locator('[data-stat="clicks-unique"] .label').textContent()).resolves.toContain('66.7%');

      // The chart: people's opens and clicks only (the machine open is not in it), on an axis that fits minutes of data.
      // (Ten minutes at least; more only if this machine took longer than that between the send and the clicks.)
      const chart = page.getByRole('img', { name: /^Opens and clicks per minute \(UTC\) over the first \d+ minutes/ });
      await expect(chart.isVisible()).resolves.toBe(true);
      const minutes = Number(/first (\d+) minutes/.exec((await chart.getAttribute('aria-label')) ?? '')![1]);
      expect(minutes).toBeGreaterThanOrEqual(10);
      const bars = await chart.locator('rect title').allTextContents();
      expect(bars).toHaveLength(2 * minutes); // one opens and one clicks bar a minute, no empty day after the data
      expect(bars[0]).toMatch(/^\d\d-\d\d \d\d:\d\d: \d+ opens$/);
      const sum = (kind: string) =>
        bars.reduce((n, b) => n + Number(new RegExp(`: (\\d+) ${kind}$`).exec(b)?.[1] ?? 0), 0);
      expect([sum('opens'), sum('clicks')]).toEqual([2, 2]);

      const linksTable = page.getByRole('table');
      const row = (url: string) =>
        linksTable.getByRole('row').filter({ has: page.getByRole('cell', { name: url, exact: true }) });
      await expect(row(SALE).getByRole('cell').allTextContents()).resolves.toEqual([SALE, '1', '1', '50.0%']);
      await expect(row(FAQ).getByRole('cell').allTextContents()).resolves.toEqual([FAQ, '1', '1', '50.0%']);
      await screenshot(page, 'report');

      // The numbers a sending campaign's page polls: the same, and done once it is sent.
      const live = await page.request.get(`/admin/campaigns/${campaign.id}/report.json`);
      expect(live.status()).toBe(200);
      expect(await live.json()).toMatchObject({
        sent: '3',
        opensUnique: '1',
        opensMachine: '1',
        clicksUnique: '2',
        openRate: '33.3%',
        done: true,
      });
      expect(consoleErrors).toEqual([]);
    });

    it('gives the dates and the chart’s ticks in the reader’s time zone, set through PATCH /api/users/me', async () => {
      const { page, email, consoleErrors } = await signedInPage(browser, t, 'viewer');
      const login = await t
        .http()
        .post('/api/auth/login')
        .send({ email, password: 'correct horse battery' })
        .expect(200);
      // Kathmandu is 5 h 45 min ahead of UTC all year: a zone no whole-hour shortcut gets right.
      const set = await t
        .http()
        .patch('/api/users/me')
        .set('Authorization', `Bearer ${login.body.accessToken}`)
        .send({ timeZone: 'Asia/Kathmandu' })
        .expect(200);
      // as Intl spells it (Node's ICU still says Asia/Katmandu)
      const zone = set.body.timeZone as string;
      expect(zone).toMatch(/^Asia\/Kath?mandu$/);
      const api = await t
        .http()
        .get(`/api/campaigns/${campaign.id}`)
        .set('Authorization', `Bearer ${editor}`)
        .expect(200);
      const wall = new Date(Date.parse(api.body.startedAt) + (5 * 60 + 45) * 60_000).toISOString();

      await page.goto(`/admin/campaigns/${campaign.id}/report`);
      await expect(page.locator('.page-head').textContent()).resolves.toMatch(
        new RegExp(`started \\d+ \\w+ \\d{4}, ${wall.slice(11, 16)} ${zone}`),
      );
      const chart = page.getByRole('img', { name: `Opens and clicks per minute (${zone})`, exact: false });
      await expect(chart.isVisible()).resolves.toBe(true);
      const bars = await chart.locator('rect title').allTextContents();
      expect(bars[0]).toMatch(new RegExp(`^${wall.slice(5, 10)} ${wall.slice(11, 16)}: \\d+ opens$`));
      await expect(page.getByText(`Per minute (${zone}) from the start of the send`).count()).resolves.toBe(1);
      expect(consoleErrors).toEqual([]);
    });

    it('shows an empty state for a campaign not sent yet, and 404 for an unknown one', async () => {
      const list = await makeList(t);
      const draft = await t
        .http()
        .post('/api/campaigns')
        .set('Authorization', `Bearer ${editor}`)
        .send({ name: 'Not yet', subject: 'Soon', mjml: MJML, listIds: [list.id] })
        .expect(201);
      const { page, consoleErrors } = await signedInPage(browser, t, 'viewer');
      await page.goto(`/admin/campaigns/${draft.body.id}/report`);
      await expect(page.getByText('No data yet').isVisible()).resolves.toBe(true);
      await expect(page.getByText('This campaign has not been sent').isVisible()).resolves.toBe(true);
      await expect(page.getByRole('img').count()).resolves.toBe(0);
      expect(consoleErrors).toEqual([]);
      const unknown = await page.request.get('/admin/campaigns/00000000-0000-4000-8000-000000000000/report');
      expect(unknown.status()).toBe(404);
      expect(await unknown.text()).toContain('There is no such campaign');
      await t.http().get(`/admin/campaigns/${draft.body.id}/report`).expect(303); // no session: the login page
    });
  });

  describe('message log', () => {
    let email: string;
    let orderId: string;
    let messageId: string;

    beforeAll(async () => {
      const key = await makeApiKey(t, ['transactional:send']);
      const sample = t.app.get(BuiltInTemplates).get('order-shipped')!.sample as { order: Record<string, unknown> };
      email = `buyer-${uniqueTag()}@example.com`;
      orderId = `A-${uniqueTag()}`;
      const res = await t
        .http()
        .post('/api/orders/events')
        .set('Authorization', `Bearer ${key}`)
        .send({
          orderId,
          status: 'shipped',
          customer: { email, name: 'Ada Lovelace' },
          order: { ...sample.order, number: orderId },
        })
        .expect(202);
      messageId = res.body.id;
      // Another order's mail, which a search must leave out.
      await t
        .http()
        .post('/api/orders/events')
        .set('Authorization', `Bearer ${key}`)
        .send({
          orderId: `B-${uniqueTag()}`,
          status: 'shipped',
          customer: { email: `other-${uniqueTag()}@example.com` },
          order: sample.order,
        })
        .expect(202);
      await until(
        async () => (await t.app.get(MessagesService).get(messageId)).status === 'sent',
        'the order mail to be sent',
      );
    });

    it('finds an order mail by its order number and by its address, and shows its events', async () => {
      const { page, consoleErrors } = await signedInPage(browser, t, 'viewer');
      await page.goto('/admin/messages');
      await expect(page.getByRole('heading', { name: 'Message log' }).isVisible()).resolves.toBe(true);

      await page.getByLabel('Search', { exact: true }).fill(orderId);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL(/search=/);
      const rows = page.getByRole('table').getByRole('row');
      await expect(rows.count()).resolves.toBe(2); // the header and the one message
      await expect(rows.nth(1).textContent()).resolves.toContain(`Order ${orderId}`);
      await expect(page.getByRole('link', { name: email }).isVisible()).resolves.toBe(true);
      await screenshot(page, 'messages');

      await page.getByLabel('Search', { exact: true }).fill(email.toUpperCase());
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL(/search=BUYER/);
      await expect(rows.count()).resolves.toBe(2);
      await expect(page.getByRole('link', { name: email }).isVisible()).resolves.toBe(true);

      // The campaign stream has no order mail.
      await page.getByLabel('Stream').selectOption('campaign');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL(/stream=campaign/);
      await expect(page.getByText('No messages match').isVisible()).resolves.toBe(true);

      await page.goto(`/admin/messages?search=${encodeURIComponent(orderId)}`);
      await page.getByRole('link', { name: email }).click();
      await page.waitForURL(`**/admin/messages/${messageId}`);
      await expect(page.getByRole('heading', { name: `Message to ${email}` }).isVisible()).resolves.toBe(true);
      const facts = await page.locator('dl.facts').textContent();
      expect(facts).toContain('order-shipped');
      expect(facts).toContain(orderId);
      expect(facts).toMatch(/Attempts\s*1/);
      const events = page.getByRole('list').filter({ has: page.getByText('queued', { exact: true }) });
      await expect(events.locator(':scope > li .badge').allTextContents()).resolves.toEqual(['queued', 'sent']);
      await expect(events.textContent()).resolves.toMatch(/response: 250/);
      await screenshot(page, 'message-detail');
      expect(consoleErrors).toEqual([]);
    });

    it('shows an unknown message as not found', async () => {
      const { page } = await signedInPage(browser, t, 'viewer');
      const res = await page.goto('/admin/messages/00000000-0000-4000-8000-000000000000');
      expect(res?.status()).toBe(404);
      await expect(page.getByRole('alert').textContent()).resolves.toContain('not found');
    });
  });
});
