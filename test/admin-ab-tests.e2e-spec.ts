import { Browser } from 'playwright-core';
import { AbTestSweeper } from '../src/campaigns/ab-test-sweeper';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import { TemplatesService } from '../src/templates/templates.service';
import { seriousViolations } from './support/axe';
import { launchBrowser, screenshot, signedInPage, stopAppAndBrowser, unexpectedConsoleErrors } from './support/browser';
import { makeList, makeSubscriber, uniqueTag } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';
import { until } from './support/until';

const MJML = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>{{campaign.name}}: <a href="{{unsubscribeUrl}}">Unsubscribe</a> · {{companyAddress}}</mj-text>
</mj-column></mj-section></mj-body></mjml>`;

describe('admin UI: A/B tests', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await stopAppAndBrowser(t, browser);
    await sink?.stop();
  });

  it('sets up 2 variants and the test in the wizard, and the report shows each variant and the winner (axe clean)', async () => {
    const tag = uniqueTag();
    const list = await makeList(t, { name: `Readers ${tag}` });
    for (let i = 0; i < 4; i++) await makeSubscriber(t, { lists: { [list.id]: 'confirmed' } });
    const template = await t.app
      .get(TemplatesService)
      .create({ name: `Other look ${tag}`, kind: 'campaign', subject: 'T', mjml: MJML });
    const campaigns = t.app.get(CampaignsService);
    const { id } = await campaigns.create({ name: `Test me ${tag}`, subject: 'Plain', mjml: MJML, listIds: [list.id] });

    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto(`/admin/campaigns/${id}/review`);
    await page.locator('[data-ab-summary]').getByRole('link', { name: 'set up' }).click();
    await page.waitForURL(`**/admin/campaigns/${id}/ab-test`);
    expect(await seriousViolations(page)).toEqual([]);

    // one variant only: refused, the form kept, the problem beside the variants
    await page.getByLabel('Test variants on part of the audience first').check();
    await page.getByLabel('Variant A subject').fill('Subject A');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.locator('#ab-variants-error').waitFor();
    expect(await page.locator('#ab-variants-error').textContent()).toMatch(/2 to 4/);
    expect(await page.getByLabel('Variant A subject').inputValue()).toBe('Subject A');
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel('Variant B subject').fill('Subject B');
    await page.getByLabel('Variant B content').selectOption(template.id);
    await page.getByLabel('Test share (% of the audience, 1–50)').fill('50');
    await page.getByLabel('Wait before choosing (hours)').fill('0');
    await page.getByLabel('people who clicked').check();
    await screenshot(page, 'ab-test-step');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL(`**/admin/campaigns/${id}/review`);
    expect(await page.locator('[data-ab-summary]').textContent()).toContain('2 variants to 50 % of the recipients');

    const saved = await campaigns.get(id);
    expect(saved.variants).toEqual([
      { subject: 'Subject A', templateId: null, ownContent: false },
      { subject: 'Subject B', templateId: template.id, ownContent: true },
    ]);
    expect(saved.abTest).toEqual({ share: 50, metric: 'clicks', waitHours: 0 });

    // sent, the winner chosen (a tie: nobody clicked, so A) and sent to the rest
    await campaigns.send(id, {});
    await until(async () => {
      await t.app.get(AbTestSweeper).sweep();
      return (await campaigns.get(id)).status === 'sent';
    }, 'the A/B test to be sent');
    await page.goto(`/admin/campaigns/${id}/report`);
    const report = page.locator('[data-ab-report]');
    await report.waitFor();
    expect(await report.locator('tr[data-variant]').count()).toBe(2);
    expect(await report.locator('tr[data-variant="A"]').textContent()).toContain('winner');
    expect(await report.locator('tr[data-variant="B"]').textContent()).toContain('Subject B');
    expect(await report.locator('[data-ab-outcome]').textContent()).toContain('Winner: variant A, sent to 2 more');
    await screenshot(page, 'ab-test-report');
    expect(await seriousViolations(page)).toEqual([]);
    expect(unexpectedConsoleErrors(consoleErrors, 400)).toEqual([]);
  });
});
