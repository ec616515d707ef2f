import { Browser } from 'playwright-core';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import {
  launchBrowser,
  screenshot,
  signedInPage,
  until,
  replaceEditorText,
  stopAppAndBrowser,
} from './support/browser';
import { flushTracking, linksOf, pathOf } from './support/campaign-mail';
import { uniqueTag } from './support/factories';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

/**
 * The whole of an editor's day in one browser session, from an empty service to a campaign's report:
 * the pieces are tested one by one in the other admin-* specs; this one checks that they join up.
 */
const templateSaying = (words: string) => `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>${words}, {{subscriber.name}} from {{subscriber.attributes.city}}</mj-text>
        <mj-button href="https://shop.example/autumn">See the collection</mj-button>
        <mj-text><a href="{{unsubscribeUrl}}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

describe('admin UI: an editor from an empty service to a sent campaign and its report', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'Autumn Shop <news@journey.example>' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await stopAppAndBrowser(t, browser);
    await sink?.stop();
  });

  it('creates a list, imports people, writes a template, builds, tests and sends a campaign, and reads its report; a viewer cannot send', async () => {
    const tag = uniqueTag();
    const listName = `Autumn readers ${tag}`;
    const templateName = `Autumn ${tag}`;
    const campaignName = `Autumn collection ${tag}`;
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');

    // A list.
    await page.goto('/admin/lists');
    await page.getByRole('link', { name: 'New list' }).click();
    await page.getByLabel('Name').fill(listName);
    await page.getByRole('radio', { name: /^Single/ }).check();
    await page.getByRole('button', { name: 'Create list' }).click();
    await page.waitForURL('**/admin/lists');
    await expect(page.getByRole('status').textContent()).resolves.toContain(`List “${listName}” created`);

    // Three people into it from a CSV; the bad row is shown, not imported.
    const people = [
      `ana-${tag}@example.com,Ana,Lisbon`,
      `ben-${tag}@example.com,Ben,Berlin`,
      `cy-${tag}@example.com,Cy,Cork`,
    ];
    const csv = ['email,name,city', people[0], 'not-an-address,Nobody,Nowhere', people[1], people[2]].join('\n');
    await page.goto('/admin/imports/new');
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: `readers-${tag}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('checkbox', { name: listName }).check();
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByRole('heading', { name: 'Rejected rows' }).waitFor({ timeout: 30_000 });
    await expect(page.locator('[data-field="imported"]').textContent()).resolves.toBe('3');
    await expect(page.locator('tbody tr').first().textContent()).resolves.toContain(
      '"not-an-address" is not a valid email address',
    );

    // A template: the preview follows the editor.
    await page.goto('/admin/templates/new');
    await page.getByLabel('Name').fill(templateName);
    await page.getByLabel('Subject').fill('Autumn is here, {{subscriber.name}}');
    const preview = page.frameLocator('iframe[title="Preview"]').locator('body');
    await until(async () => (await preview.innerText()).includes('Write your message here'), 'the starter preview');
    await replaceEditorText(page, templateSaying('The autumn collection is in'));
    await until(
      async () => (await preview.innerText()).includes('The autumn collection is in, Ada Lovelace'),
      'the preview to change',
    );
    await page.getByRole('button', { name: 'Create template' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Template “${templateName}” created` })
      .waitFor();

    // The campaign: content, audience (counted), settings, review.
    await page.goto('/admin/campaigns');
    await page.getByRole('link', { name: 'New campaign' }).first().click();
    await page.getByLabel('Campaign name').fill(campaignName);
    await page.getByLabel('Use a template').check();
    await page.getByLabel('Template', { exact: true }).selectOption({ label: templateName });
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: 'Audience' }).waitFor();
    const id = new URL(page.url()).pathname.split('/')[3];
    await page.getByLabel(listName).check();
    await until(
      async () => (await page.locator('[data-recipient-count]').textContent()) === '3',
      'the recipient count',
    );
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.getByLabel('From name').fill('Autumn Shop');
    await page.getByLabel('From address').selectOption('news@journey.example');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: 'Review and send' }).waitFor();
    const reviewPreview = page.frameLocator('iframe[title="Campaign preview"]').locator('body');
    await until(
      async () =>
        /The autumn collection is in, (Ana|Ben|Cy) from (Lisbon|Berlin|Cork)/.test(await reviewPreview.innerText()),
      'a real reader in the preview',
    );
    await screenshot(page, 'journey-campaign-review');

    // A test to a typed address arrives at the SMTP server.
    await page.getByLabel('Test addresses').fill(`proof-${tag}@example.com`);
    await page.getByRole('button', { name: 'Send test' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Test sent to proof-${tag}@example.com` })
      .waitFor();
    const [proof] = await sink.waitFor((m) => m.to.includes(`proof-${tag}@example.com`), 1);
    expect(proof.parsed.subject).toMatch(/^\[Test\] Autumn is here, (Ana|Ben|Cy)$/);
    expect(proof.parsed.text).toContain('The autumn collection is in');

    // Send now (the confirm dialog is accepted) and watch it finish.
    await page.getByRole('button', { name: 'Send now' }).click();
    await page.waitForURL(`**/admin/campaigns/${id}`);
    await until(
      async () => (await page.locator('h1 .badge').textContent())?.trim() === 'sent',
      'the campaign to show it sent',
    );
    const ofCampaign = (m: ReceivedMail) =>
      (m.headers.get('feedback-id') ?? []).some((v) => v.startsWith(id)) && !m.parsed.subject?.startsWith('[Test]');
    const mails = await sink.waitFor(ofCampaign, 3);
    expect(mails.flatMap((m) => m.to).sort()).toEqual(people.map((p) => p.split(',')[0]).sort());
    const ana = mails.find((m) => m.to[0] === `ana-${tag}@example.com`)!;
    expect(ana.parsed.subject).toBe('Autumn is here, Ana');
    expect(ana.parsed.html).toContain('The autumn collection is in, Ana from Lisbon');

    // Ana opens it; the report shows the sends and her open.
    await t
      .http()
      .get(pathOf(linksOf(ana).pixel))
      .set('User-Agent', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Thunderbird/128.0')
      .expect(200);
    await flushTracking(t);
    await page.getByRole('link', { name: 'View report' }).click();
    await page.waitForURL(`**/admin/campaigns/${id}/report`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Report: ${campaignName}`);
    const stat = (name: string) => page.locator(`[data-stat="${name}"] .value`).textContent();
    await expect(stat('sent')).resolves.toBe('3');
    await expect(stat('opens-unique')).resolves.toBe('1');
    // An open seconds after the send: the chart's axis is in minutes (it spans the data, not 48 hours).
    await expect(page.getByRole('img', { name: /Opens and clicks per (\d+ )?minutes? / }).isVisible()).resolves.toBe(
      true,
    );
    await screenshot(page, 'journey-report');
    expect(consoleErrors).toEqual([]);

    // A viewer sees the campaign and its report but has no button to send, and the server refuses it anyway.
    const viewer = await signedInPage(browser, t, 'viewer');
    const draft = await t.app
      .get(CampaignsService)
      .create({ name: `Viewer draft ${tag}`, subject: 'S', mjml: templateSaying('Hi'), listIds: [] });
    await viewer.page.goto(`/admin/campaigns/${id}/report`);
    await expect(viewer.page.locator('[data-stat="sent"] .value').textContent()).resolves.toBe('3');
    await viewer.page.goto(`/admin/campaigns/${draft.id}/review`);
    await expect(viewer.page.getByRole('heading', { name: 'Preview' }).isVisible()).resolves.toBe(true);
    await expect(viewer.page.getByRole('button', { name: 'Send now' }).count()).resolves.toBe(0);
    await expect(viewer.page.getByRole('button', { name: 'Send test' }).count()).resolves.toBe(0);
    const csrf = await viewer.page.locator('meta[name="csrf-token"]').getAttribute('content');
    const refused = await viewer.page.request.post(`/admin/campaigns/${draft.id}/send`, {
      form: { _csrf: csrf!, when: 'now' },
      maxRedirects: 0,
    });
    expect(refused.status()).toBe(403);
    expect((await t.app.get(CampaignsService).get(draft.id)).status).toBe('draft');
    expect(viewer.consoleErrors).toEqual([]);
  });
});
