import { Browser } from 'playwright-core';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import { TemplatesService } from '../src/templates/templates.service';
import { seriousViolations } from './support/axe';
import {
  launchBrowser,
  screenshot,
  signedInPage,
  stopAppAndBrowser,
  unexpectedConsoleErrors,
  until,
} from './support/browser';
import { linksOf, pathOf } from './support/campaign-mail';
import { makeList, makeSubscriber, uniqueTag } from './support/factories';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

const campaignIdOf = (url: string) => new URL(url).pathname.split('/')[3];

/** An editor writes campaigns without MJML (Markdown, rich text) and clones campaigns and templates, in Chromium. */
describe('admin UI: Markdown and rich-text campaigns, clone', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url, COMPANY_ADDRESS: 'Weekly Ltd, 4 Paper Row, Bath' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await stopAppAndBrowser(t, browser);
    await sink?.stop();
  });

  const campaignMail = (id: string) => (m: ReceivedMail) =>
    (m.headers.get('feedback-id') ?? []).some((v) => v.startsWith(id)) && !m.parsed.subject?.startsWith('[Test]');

  it('writes a Markdown campaign in the newsletter layout, sends it, and the mail has what was typed; then clones it', async () => {
    const tag = uniqueTag();
    const list = await makeList(t, { name: `Readers ${tag}` });
    const reader = await makeSubscriber(t, { name: 'Grace', lists: { [list.id]: 'confirmed' } });
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');

    await page.goto('/admin/campaigns/new');
    await page.getByLabel('Campaign name').fill(`Weekly ${tag}`);
    await page.getByLabel('Write Markdown').check();
    await expect(page.getByLabel('Markdown', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Put the text into').isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Put the text into').inputValue()).resolves.toBe('newsletter');
    // The live preview follows the text: what cannot be sent is said at once, then the mail is shown.
    const markdown = page.getByLabel('Markdown', { exact: true });
    const previewStatus = page.locator('[data-compose-preview-status]');
    await markdown.fill('Hi {{#if subscriber.name}}you{{/if}}');
    await until(
      async () =>
        (await previewStatus.textContent())?.includes('Not shown: content: only variables like {{subscriber.name}}'),
      'the preview to refuse a block helper',
    );
    await markdown.fill(
      '# The week in print\n\nDear {{subscriber.name}}, three stories:\n\n- [Paper prices](https://news.example/paper)\n- Ink shortages\n- *New* presses\n',
    );
    const livePreview = page.frameLocator('iframe[data-compose-preview]').locator('body');
    await until(async () => (await livePreview.innerText()).includes('The week in print'), 'the live preview');
    await expect(previewStatus.textContent()).resolves.toBe('');
    // the mail inside the preview is the layout's design, not the admin's: axe checks the page around it
    expect(await seriousViolations(page, ['[data-compose-preview]'])).toEqual([]);
    await page.locator('iframe[data-compose-preview]').scrollIntoViewIfNeeded();
    await screenshot(page, 'compose-markdown');
    await page.getByRole('button', { name: 'Save and continue' }).click();

    await page.getByRole('heading', { name: 'Audience' }).waitFor();
    const id = campaignIdOf(page.url());
    expect(await t.app.get(CampaignsService).get(id)).toMatchObject({
      contentFormat: 'markdown',
      layoutTemplateId: 'newsletter',
    });
    await page.getByLabel(`Readers ${tag}`).check();
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.getByLabel('Subject').fill('The week, {{subscriber.name}}');
    await page.getByRole('button', { name: 'Save and continue' }).click();

    await page.getByRole('heading', { name: 'Review and send' }).waitFor();
    const preview = page.frameLocator('iframe[title="Campaign preview"]').locator('body');
    await until(async () => (await preview.innerText()).includes('The week in print'), 'the preview of the Markdown');
    await page.getByRole('button', { name: 'Send now' }).click();
    await page.waitForURL(`**/admin/campaigns/${id}`);
    await until(
      async () => (await page.locator('h1 .badge').textContent())?.trim() === 'sent',
      'the campaign to be sent',
    );

    const [mail] = await sink.waitFor(campaignMail(id), 1);
    expect(mail.to).toEqual([reader.email]);
    expect(mail.parsed.subject).toBe('The week, Grace');
    const html = mail.parsed.html ?? '';
    expect(html).toContain('<h1>The week in print</h1>');
    expect(html).toContain('Dear Grace, three stories:');
    expect(html).toMatch(
      /<li><a href="http[^"]+\/c\/[^"]+">Paper prices<\/a><\/li>\s*<li>Ink shortages<\/li>\s*<li><em>New<\/em> presses<\/li>/,
    );
    const [click] = linksOf(mail).clicks;
    expect((await t.http().get(pathOf(click)).expect(302)).headers.location).toBe('https://news.example/paper');
    expect(mail.parsed.text).toMatch(/THE WEEK IN PRINT/i);
    expect(mail.parsed.text).toContain('Ink shortages');

    // Clone from the campaign's page: a new draft, on its content step, with the same Markdown.
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: `Clone Weekly ${tag}` }).click();
    await page.waitForURL(/\/admin\/campaigns\/[0-9a-f-]{36}\/content$/);
    const copyId = campaignIdOf(page.url());
    expect(copyId).not.toBe(id);
    await page
      .getByRole('status')
      .filter({ hasText: `Cloned: this is “Copy of Weekly ${tag}”` })
      .waitFor();
    await expect(page.getByLabel('Campaign name').inputValue()).resolves.toBe(`Copy of Weekly ${tag}`);
    await expect(page.getByLabel('Write Markdown').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Markdown', { exact: true }).inputValue()).resolves.toContain('# The week in print');
    expect(await t.app.get(CampaignsService).get(copyId)).toMatchObject({
      status: 'draft',
      listIds: [list.id],
      subject: 'The week, {{subscriber.name}}',
      progress: { total: 0 },
    });
    // the refused preview's 400, on purpose
    expect(unexpectedConsoleErrors(consoleErrors, 400)).toEqual([]);
  });

  it('writes rich text with the toolbar: headings, bold, a variable and a list are saved and reach the mail', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto('/admin/campaigns/new');
    await page.getByLabel('Campaign name').fill(`Rich ${uniqueTag()}`);
    await page.getByLabel('Write rich text').check();
    const editor = page.getByRole('textbox', { name: 'Text', exact: true });
    await editor.waitFor();
    expect(await seriousViolations(page, ['[data-compose-preview]'])).toEqual([]);

    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    // A toolbar click leaves the focus in the text: typing goes on at once.
    const tool = async (name: string) => {
      await page.getByRole('button', { name }).click();
      await until(() => editor.evaluate((el) => el === document.activeElement), `the text focused after ${name}`);
    };
    await tool('H1 Heading');
    await page.keyboard.type('Autumn list');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Hello ');
    await page.getByLabel('Insert a variable').selectOption('{{subscriber.name}}');
    await until(() => editor.evaluate((el) => el === document.activeElement), 'the text focused after the variable');
    await page.keyboard.type(', ');
    await tool('B Bold');
    await expect(page.getByRole('button', { name: 'B Bold' }).getAttribute('aria-pressed')).resolves.toBe('true');
    await page.keyboard.type('apples');
    await tool('B Bold');
    await page.keyboard.press('Enter');
    await tool('• List');
    await page.keyboard.type('Pears');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Quinces');
    const livePreview = page.frameLocator('iframe[data-compose-preview]').locator('body');
    await until(async () => (await livePreview.innerText()).includes('Quinces'), 'the live preview of the rich text');
    await screenshot(page, 'compose-richtext');
    await page.getByRole('button', { name: 'Save and continue' }).click();

    await page.getByRole('heading', { name: 'Audience' }).waitFor();
    const saved = await t.app.get(CampaignsService).get(campaignIdOf(page.url()));
    expect(saved.contentFormat).toBe('richtext');
    expect(saved.content).toBe(
      '<h1>Autumn list</h1><p>Hello {{subscriber.name}}, <strong>apples</strong></p><ul><li><p>Pears</p></li><li><p>Quinces</p></li></ul>',
    );
    const mail = await t.app.get(CampaignsService).preview(saved.id);
    expect(mail.html).toContain('<h1>Autumn list</h1>');
    expect(mail.html).toMatch(/<ul><li><p>Pears<\/p><\/li><li><p>Quinces<\/p><\/li><\/ul>/);
    expect(consoleErrors).toEqual([]);
  });

  it('clones a template from the list and from its page', async () => {
    const name = `Digest ${uniqueTag()}`;
    const template = await t.app.get(TemplatesService).create({
      name,
      kind: 'campaign',
      subject: 'Digest',
      mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>{{{content}}}</mj-text></mj-column></mj-section></mj-body></mjml>',
    });
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto('/admin/templates');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: `Clone ${name}` }).click();
    await page.waitForURL(/\/admin\/templates\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: `Copy of ${name}` }).waitFor();
    const firstCopy = page.url().split('/').pop()!;
    expect(firstCopy).not.toBe(template.id);
    expect(await t.app.get(TemplatesService).get(firstCopy)).toMatchObject({
      name: `Copy of ${name}`,
      mjml: template.mjml,
      version: 1,
    });
    expect(await seriousViolations(page, ['.cm-editor'])).toEqual([]);

    await page.goto(`/admin/templates/${template.id}`);
    await page.getByRole('button', { name: `Clone ${name}` }).click();
    await page.waitForURL(
      (url) => /\/admin\/templates\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(template.id),
    );
    expect(page.url()).not.toContain(firstCopy);
    // the layout with a {{{content}}} slot is offered to Markdown campaigns
    await page.goto('/admin/campaigns/new');
    await page.getByLabel('Write Markdown').check();
    const layouts = await page.getByLabel('Put the text into').locator('option').allTextContents();
    expect(layouts).toEqual(expect.arrayContaining(['Newsletter layout (built-in)', name, `Copy of ${name}`]));
    expect(consoleErrors).toEqual([]);
  });
});
