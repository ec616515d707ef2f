import { Browser } from 'playwright-core';
import { AutomationsService } from '../src/automations/automations.service';
import { TemplatesService } from '../src/templates/templates.service';
import { seriousViolations } from './support/axe';
import {
  screenshot,
  signedInPage,
  startAppAndBrowser,
  stopAppAndBrowser,
  unexpectedConsoleErrors,
} from './support/browser';
import { makeList } from './support/factories';
import { TestApp } from './support/test-app';

const TEMPLATE_MJML =
  '<mjml><mj-body><mj-section><mj-column><mj-text>Thanks {{subscriber.name}}</mj-text></mj-column></mj-section></mj-body></mjml>';

describe('admin: the automation editor in Chromium', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    ({ t, browser } = await startAppAndBrowser());
  });
  afterAll(() => stopAppAndBrowser(t, browser));

  it('creates a two-step follow-up (MJML, then a template), refuses one without lists, pauses, resumes and stops it', async () => {
    const list = await makeList(t, { name: 'Customers' });
    const template = await t.app.get(TemplatesService).create({
      name: 'Review request',
      kind: 'campaign',
      subject: 'Review',
      mjml: TEMPLATE_MJML,
    });
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');

    await page.goto('/admin/automations');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'New automation' }).first().click();
    await page.waitForURL('**/admin/automations/new');

    // Without a list: refused, the reason shown, the input kept.
    await page.getByLabel('Name', { exact: true }).fill('After delivery');
    await page.getByLabel('Starts when').selectOption('order.delivered');
    const step1 = page.locator('fieldset[data-step="1"]');
    await step1.getByLabel('Subject').fill('How was your order?');
    await page.getByRole('button', { name: 'Create automation' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/list/i);
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('After delivery');

    await page.getByLabel('Customers').check();
    await step1.getByLabel('Subject').fill('How was your order?');
    const step2 = page.locator('fieldset[data-step="2"]');
    await step2.getByLabel('Delay (hours)').fill('72');
    await step2.getByLabel('Subject').fill('Leave a review');
    await step2.getByLabel('Content from').selectOption('template');
    await step2.getByLabel('Template').selectOption(template.id);
    await step2.getByLabel('Sunset after (hours)').fill('');
    await page.getByRole('button', { name: 'Create automation' }).click();
    await page.waitForURL(/\/admin\/automations\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;

    const saved = await t.app.get(AutomationsService).get(id);
    expect(saved).toMatchObject({
      name: 'After delivery',
      trigger: { event: 'order.delivered', listIds: [list.id] },
      status: 'active',
      steps: [
        { delayHours: 0, subject: 'How was your order?', templateId: null },
        { delayHours: 72, subject: 'Leave a review', templateId: template.id, mjml: null },
      ],
    });
    // Each step has its report row.
    const report = page.getByRole('region', { name: 'Report' });
    expect(await report.getByRole('row').count()).toBe(3);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'automation-editor');

    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    expect((await t.app.get(AutomationsService).get(id)).status).toBe('paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    expect((await t.app.get(AutomationsService).get(id)).status).toBe('active');
    await page.getByRole('button', { name: 'Stop for good' }).click();
    await page.waitForFunction(() => !document.querySelector('.automation-status button'));
    expect((await t.app.get(AutomationsService).get(id)).status).toBe('stopped');
    expect(unexpectedConsoleErrors(consoleErrors, 400)).toEqual([]);
  });
});
