import { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { AudienceService } from '../src/campaigns/audience.service';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import { Message } from '../src/delivery/message.entity';
import { SettingsService } from '../src/settings/settings.service';
import { TemplatesService } from '../src/templates/templates.service';
import { makeList, makeSubscriber, uniqueTag } from './support/factories';
import { launchBrowser, screenshot, signedInPage, until, stopAppAndBrowser } from './support/browser';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

const MJML = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hello {{subscriber.name}} from {{subscriber.attributes.city}}</mj-text>
  <mj-text><a href="{{unsubscribeUrl}}">Unsubscribe</a> · {{companyAddress}}</mj-text>
</mj-column></mj-section></mj-body></mjml>`;

const statusBadge = (page: Page) => page.locator('h1 .badge').textContent();
const campaignIdOf = (page: Page) => new URL(page.url()).pathname.split('/')[3];

describe('admin UI: campaigns', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    // A send rate slow enough to pause a campaign of 100 in the middle, fast enough for the rest.
    t = await createTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'News <news@ui.example>', SEND_RATE: '8' });
    // Campaigns go out only from the senders an admin set up.
    await t.app.get(SettingsService).setSenders([
      { name: 'News', email: 'news@ui.example' },
      { name: 'Corner Shop', email: 'shop@ui.example' },
    ]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await stopAppAndBrowser(t, browser);
    await sink?.stop();
  });

  /** The campaign's real messages (test sends carry its Feedback-ID too, with a [Test] subject). */
  const campaignMail = (id: string) => (m: ReceivedMail) =>
    (m.headers.get('feedback-id') ?? []).some((v) => v.startsWith(id)) && !m.parsed.subject?.startsWith('[Test]');

  it('creates a campaign through the steps, counts its recipients, sends a test, sends it and watches it finish', async () => {
    const tag = uniqueTag();
    const members = await makeList(t, { name: `Members ${tag}` });
    const vip = await makeList(t, { name: `VIP ${tag}` });
    const both = await makeSubscriber(t, {
      name: 'Both',
      attributes: { city: 'Paris' },
      lists: { [members.id]: 'confirmed', [vip.id]: 'confirmed' },
    });
    const onlyMembers = await makeSubscriber(t, {
      name: 'Member',
      attributes: { city: 'Oslo' },
      lists: { [members.id]: 'confirmed' },
    });
    const onlyVip = await makeSubscriber(t, {
      name: 'Vip',
      attributes: { city: 'Rome' },
      lists: { [vip.id]: 'confirmed' },
    });
    await makeSubscriber(t, { name: 'Left', lists: { [members.id]: 'unsubscribed' } });
    await makeSubscriber(t, { name: 'Blocked', status: 'blocklisted', lists: { [members.id]: 'confirmed' } });
    const recipients = [both, onlyMembers, onlyVip].map((s) => s.email).sort();
    const template = await t.app
      .get(TemplatesService)
      .create({ name: `Spring ${tag}`, kind: 'campaign', subject: 'Template subject', mjml: MJML });

    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto('/admin/campaigns');
    await page.getByRole('link', { name: 'New campaign' }).first().click();

    // 1. Content: a saved template.
    await page.getByLabel('Campaign name').fill(`Spring news ${tag}`);
    await page.getByLabel('Use a template').check();
    await page.getByLabel('Template', { exact: true }).selectOption(template.id);
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: 'Audience' }).waitFor();
    const id = campaignIdOf(page);
    expect(await t.app.get(CampaignsService).get(id)).toMatchObject({
      status: 'draft',
      name: `Spring news ${tag}`,
      templateId: template.id,
    });

    // 2. Audience: the count follows the ticked lists, each address once, the blocklisted and the unsubscribed left out.
    await page.getByLabel(`Members ${tag}`).check();
    await until(
      async () => (await page.locator('[data-recipient-count]').textContent()) === '2',
      'the count of one list',
    );
    await page.getByLabel(`VIP ${tag}`).check();
    await until(
      async () => (await page.locator('[data-recipient-count]').textContent()) === '3',
      'the count of both lists',
    );
    await screenshot(page, 'campaign-audience');
    await page.getByRole('button', { name: 'Save and continue' }).click();

    // 3. Settings.
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.getByLabel('Subject').fill('Spring news for {{subscriber.name}}');
    await page.getByLabel('From name').fill('Corner Shop');
    await page.getByLabel('From address').selectOption('shop@ui.example');
    await page.getByLabel('Track clicks (links go through this server)').uncheck();
    await page.getByRole('button', { name: 'Save and continue' }).click();

    // 4. Review: the preview is filled with the first recipient's data.
    await page.getByRole('heading', { name: 'Review and send' }).waitFor();
    const first = (await t.app.get(AudienceService).first({ listIds: [members.id, vip.id] }))!;
    const firstSubscriber = [both, onlyMembers, onlyVip].find((s) => s.id === first.subscriberId)!;
    await expect(page.getByText(`Filled with the data of ${first.email}`).isVisible()).resolves.toBe(true);
    const preview = page.frameLocator('iframe[title="Campaign preview"]').locator('body');
    await until(
      async () =>
        (await preview.innerText()).includes(
          `Hello ${firstSubscriber.name} from ${String(firstSubscriber.attributes.city)}`,
        ),
      'the filled preview',
    );
    await expect(page.locator('[data-recipient-total]').textContent()).resolves.toBe('3');
    await screenshot(page, 'campaign-review');

    // A test to two typed addresses arrives at the SMTP server.
    await page.getByLabel('Test addresses').fill('qa1@example.com, qa2@example.com');
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByRole('status').filter({ hasText: 'Test sent to qa1@example.com, qa2@example.com' }).waitFor();
    const tests = await sink.waitFor((m) => m.parsed.subject === `[Test] Spring news for ${firstSubscriber.name}`, 2);
    expect(tests.flatMap((m) => m.to).sort()).toEqual(['qa1@example.com', 'qa2@example.com']);
    expect(tests[0].parsed.from).toMatchObject({ name: 'Corner Shop', address: 'shop@ui.example' });

    // Send now (the confirmation is accepted), then the progress page reloads itself when it is done.
    await page.getByRole('button', { name: 'Send now' }).click();
    await page.waitForURL(`**/admin/campaigns/${id}`);
    await until(async () => (await statusBadge(page))?.trim() === 'sent', 'the campaign page to show it sent');
    await expect(page.getByRole('link', { name: 'View report' }).getAttribute('href')).resolves.toBe(
      `/admin/campaigns/${id}/report`,
    );
    const progress = await (await page.request.get(`/admin/campaigns/${id}/progress.json`)).json();
    expect(progress).toMatchObject({
      status: 'sent',
      total: 3,
      sent: 3,
      failed: 0,
      pending: 0,
      percent: 100,
      done: true,
    });

    // Each member got it once, with the campaign's own subject and From.
    const sent = await sink.waitFor(campaignMail(id), 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(
      sink.received
        .filter(campaignMail(id))
        .flatMap((m) => m.to)
        .sort(),
    ).toEqual(recipients);
    for (const mail of sent) {
      const person = [both, onlyMembers, onlyVip].find((s) => s.email === mail.to[0])!;
      expect(mail.parsed.subject).toBe(`Spring news for ${person.name}`);
      expect(mail.parsed.from).toMatchObject({ name: 'Corner Shop', address: 'shop@ui.example' });
    }
    await page.goto('/admin/campaigns');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: `Spring news ${tag}` }) });
    await expect(row.locator('.badge').textContent()).resolves.toBe('sent');
    expect(consoleErrors).toEqual([]);
  });

  it('keeps a draft to come back to, and writes its own MJML with the editor', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto('/admin/campaigns/new');
    await page.getByLabel('Campaign name').fill('Own MJML');
    await page.getByLabel('Write MJML').check();
    const editor = page.getByRole('textbox', { name: 'MJML' });
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(MJML.replace('Hello', 'Bonjour'));
    await until(
      async () =>
        (await page.frameLocator('iframe[title="Preview"]').locator('body').innerText()).includes(
          'Bonjour Ada Lovelace',
        ),
      'the preview',
    );
    await screenshot(page, 'campaign-content');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: 'Audience' }).waitFor();
    const id = campaignIdOf(page);

    // Leaving and coming back: the draft and its MJML are there.
    await page.goto('/admin/campaigns');
    await page.getByRole('link', { name: 'Own MJML' }).first().click();
    await page.getByRole('link', { name: '1. Content' }).click();
    await expect(page.getByLabel('Write MJML').isChecked()).resolves.toBe(true);
    await expect(page.locator('textarea[name="mjml"]').inputValue()).resolves.toContain('Bonjour {{subscriber.name}}');
    // Without lists there is nothing to send yet.
    await page.goto(`/admin/campaigns/${id}/review`);
    await expect(page.getByRole('button', { name: 'Send now' }).count()).resolves.toBe(0);
    await expect(page.getByText('Choose at least one list before sending').isVisible()).resolves.toBe(true);
    await expect(page.getByText('Filled with sample data').isVisible()).resolves.toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it('pauses, resumes and cancels a sending campaign from its page, with a live progress bar', async () => {
    const list = await makeList(t);
    // 100 at SEND_RATE 8 take 12 s: time, on a busy machine too, for the clicks to land before the last one goes.
    for (let i = 0; i < 100; i++) await makeSubscriber(t, { lists: { [list.id]: 'confirmed' } });
    const campaigns = t.app.get(CampaignsService);
    const { id } = await campaigns.create({
      name: `Big ${uniqueTag()}`,
      subject: 'Big news',
      mjml: MJML,
      listIds: [list.id],
    });
    await campaigns.send(id, {});

    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto(`/admin/campaigns/${id}`);
    await expect(page.getByRole('heading', { name: 'Sending…' }).isVisible()).resolves.toBe(true);
    // The bar and the numbers move without a reload.
    const sentField = page.locator('.stat .value[data-field="sent"]');
    await until(async () => Number(await sentField.textContent()) >= 3, 'progress to show');
    const bar = page.getByRole('progressbar', { name: 'Sent' });
    await until(async () => Number(await bar.getAttribute('aria-valuenow')) > 0, 'the bar to move');
    await screenshot(page, 'campaign-progress');

    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('status').filter({ hasText: 'Paused' }).waitFor();
    expect((await statusBadge(page))?.trim()).toBe('paused');
    await until(
      async () => (await campaigns.get(id)).progress.pending > 0 && !(await hasInFlight(t, id)),
      'nothing in flight',
    );
    const pausedAt = (await campaigns.get(id)).progress.sent;
    await new Promise((r) => setTimeout(r, 700));
    expect((await campaigns.get(id)).progress.sent).toBe(pausedAt);

    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('status').filter({ hasText: 'Sending again' }).waitFor();
    await until(async () => (await campaigns.get(id)).progress.sent > pausedAt, 'sending to go on');

    await page.getByRole('button', { name: 'Cancel campaign' }).click();
    await page.getByRole('status').filter({ hasText: 'Cancelled' }).waitFor();
    expect((await statusBadge(page))?.trim()).toBe('cancelled');
    await until(async () => !(await hasInFlight(t, id)), 'nothing in flight');
    const final = (await campaigns.get(id)).progress;
    expect(final.cancelled).toBeGreaterThan(0);
    expect(final.sent + final.cancelled).toBe(100);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.received.filter(campaignMail(id))).toHaveLength(final.sent);
    expect(consoleErrors).toEqual([]);
  });

  it('lets a viewer see campaigns but not send them', async () => {
    const list = await makeList(t);
    await makeSubscriber(t, { lists: { [list.id]: 'confirmed' } });
    const name = `Viewer sees ${uniqueTag()}`;
    const { id } = await t.app.get(CampaignsService).create({ name, subject: 'S', mjml: MJML, listIds: [list.id] });

    const { page, consoleErrors } = await signedInPage(browser, t, 'viewer');
    await page.goto('/admin/campaigns');
    await expect(page.getByRole('link', { name: 'New campaign' }).count()).resolves.toBe(0);
    await page.getByRole('link', { name }).click();
    await page.waitForURL(`**/admin/campaigns/${id}`);
    await expect(page.getByRole('heading', { name: 'Details' }).isVisible()).resolves.toBe(true);
    await page.goto(`/admin/campaigns/${id}/review`);
    await expect(page.getByRole('heading', { name: 'Preview' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Send now' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Send test' }).count()).resolves.toBe(0);

    // The server refuses it anyway, with the viewer's own session and CSRF token.
    const csrf = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    const refused = await page.request.post(`/admin/campaigns/${id}/send`, {
      form: { _csrf: csrf!, when: 'now' },
      maxRedirects: 0,
    });
    expect(refused.status()).toBe(403);
    expect((await t.app.get(CampaignsService).get(id)).status).toBe('draft');
    expect(consoleErrors).toEqual([]);
  });
});

async function hasInFlight(t: TestApp, campaignId: string): Promise<boolean> {
  return (await t.app.get(DataSource).getRepository(Message).countBy({ campaignId, status: 'sending' })) > 0;
}
