import { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { TemplatesService } from '../src/templates/templates.service';
import { UsersService } from '../src/users/users.service';
import { uniqueTag } from './support/factories';
import {
  screenshot,
  signedInPage,
  until,
  replaceEditorText,
  startAppAndBrowser,
  stopAppAndBrowser,
} from './support/browser';
import { TestApp } from './support/test-app';

const mjmlSaying = (words: string) => `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>${words}, {{subscriber.name}}</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

/** mj-text straight inside mj-section, on line 4: MJML's validation names that line. */
const INVALID_MJML = `<mjml>
  <mj-body>
    <mj-section>
      <mj-text>Not inside a column</mj-text>
    </mj-section>
  </mj-body>
</mjml>`;

const previewText = (page: Page) => page.frameLocator('iframe[title="Preview"]').locator('body').innerText();

describe('admin UI: templates', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => ({ t, browser } = await startAppAndBrowser()));
  afterAll(() => stopAppAndBrowser(t, browser));

  it('lists stored templates and the built-in ones, built-ins marked', async () => {
    const name = `Stored ${uniqueTag()}`;
    await t.app.get(TemplatesService).create({ name, kind: 'campaign', subject: 'Hi', mjml: mjmlSaying('Hello') });
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto('/admin/templates');
    await page.getByRole('heading', { name: 'Your templates' }).waitFor();
    await expect(page.getByRole('link', { name }).isVisible()).resolves.toBe(true);
    const builtIn = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Order shipped' }) });
    await expect(builtIn.getByText('built-in', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(builtIn.getByRole('button', { name: 'Customise Order shipped' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('link', { name: 'Newsletter layout' }).isVisible()).resolves.toBe(true);
    await screenshot(page, 'templates');
    expect(consoleErrors).toEqual([]);
  });

  it('writes a template: the preview changes as the editor types, the width toggles, and it is saved', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto('/admin/templates/new');
    await page.getByLabel('Name').fill('Spring sale');
    await page.getByLabel('Subject').fill('Spring sale for {{subscriber.name}}');
    // The server rendered the starter template into the frame.
    await until(async () => (await previewText(page)).includes('Write your message here'), 'the first preview');

    await replaceEditorText(page, mjmlSaying('Spring sale is here'));
    await until(
      async () => (await previewText(page)).includes('Spring sale is here, Ada Lovelace'),
      'the preview to follow the editor',
    );
    await expect(page.locator('[data-preview-subject]').textContent()).resolves.toBe('Spring sale for Ada Lovelace');
    await expect(page.getByText('No problems found').isVisible()).resolves.toBe(true);

    await page.getByRole('button', { name: 'Mobile' }).click();
    const frame = page.locator('iframe[title="Preview"]');
    // 375 px of page inside the frame's 1 px border
    await until(async () => ((await frame.boundingBox())?.width ?? 999) <= 377, 'the mobile width');
    await expect(page.getByRole('button', { name: 'Mobile' }).getAttribute('aria-pressed')).resolves.toBe('true');
    await page.getByRole('button', { name: 'Desktop' }).click();
    await screenshot(page, 'template-editor');

    await page.getByRole('button', { name: 'Create template' }).click();
    await page.getByRole('status').filter({ hasText: 'Template “Spring sale” created' }).waitFor();
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const saved = await t.app.get(TemplatesService).get(id);
    expect(saved).toMatchObject({
      name: 'Spring sale',
      slug: 'spring-sale',
      kind: 'campaign',
      subject: 'Spring sale for {{subscriber.name}}',
    });
    expect(saved.mjml).toContain('Spring sale is here, {{subscriber.name}}');
    expect(consoleErrors).toEqual([]);
  });

  it('shows invalid MJML as an error at its line, in the editor and when saving', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto('/admin/templates/new');
    await page.getByLabel('Name').fill(`Broken ${uniqueTag()}`);
    await replaceEditorText(page, INVALID_MJML);
    const errors = page.locator('#mjml-errors li');
    await until(async () => (await errors.first().textContent())?.startsWith('Line 4'), 'the error list');
    await expect(errors.first().textContent()).resolves.toContain('mj-text');
    // The lint diagnostic sits on line 4 of the editor.
    const marked = page.locator('.cm-lintRange-error');
    await until(() => marked.count(), 'a lint mark');
    await expect(marked.first().textContent()).resolves.toContain('Not inside a column');

    await page.getByRole('button', { name: 'Create template' }).click();
    await page.getByRole('alert').filter({ hasText: 'The template was not saved' }).waitFor();
    await expect(page.locator('#mjml-errors li').first().textContent()).resolves.toMatch(/^Line 4 \(mj-text\)/);
    // The MJML typed is kept.
    await expect(page.locator('textarea[name="mjml"]').inputValue()).resolves.toContain('Not inside a column');
    // The refused form comes back as a 400 page, which Chromium notes in the console; nothing else may be there.
    expect(consoleErrors.filter((e) => !e.includes('status of 400 (Bad Request)'))).toEqual([]);
  });

  it('customises a built-in: a stored copy with the same slug overrides the file', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto('/admin/templates/built-in/order-delivered');
    await expect(page.getByRole('textbox', { name: 'MJML' }).getAttribute('contenteditable')).resolves.toBe('false');
    await expect(page.getByText('{{order.number}}', { exact: true }).first().isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Customise' }).click();
    await page.getByRole('status').filter({ hasText: 'is now used instead of the built-in one' }).waitFor();
    await expect(page.getByLabel('Slug').inputValue()).resolves.toBe('order-delivered');
    const resolved = await t.app.get(TemplatesService).resolve('order-delivered');
    expect(resolved.builtIn).toBe(false);
    expect(new URL(page.url()).pathname).toBe(`/admin/templates/${resolved.templateId}`);

    // The editor starts from the built-in MJML and previews with its documented sample data.
    await until(async () => (await previewText(page)).includes('A-10042'), 'the sample order in the preview');
    await page.goto('/admin/templates');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Order delivered' }) });
    await expect(row.getByRole('link', { name: 'Customised: edit your copy' }).isVisible()).resolves.toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it('works without JavaScript: a form with a textarea, invalid MJML refused with its line', async () => {
    await t.app.get(UsersService).create('nojs-templates@example.com', 'correct horse battery', 'editor');
    const agent = request.agent(t.baseUrl);
    const login = await agent.get('/admin/login').expect(200);
    let csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1];
    await agent
      .post('/admin/login')
      .type('form')
      .send({ email: 'nojs-templates@example.com', password: 'correct horse battery', _csrf: csrf })
      .expect(303);
    const form = await agent.get('/admin/templates/new').expect(200);
    expect(form.text).toMatch(/<textarea id="mjml" name="mjml"/);
    csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];

    const bad = await agent
      .post('/admin/templates')
      .type('form')
      .send({ _csrf: csrf, name: 'No JS', slug: '', kind: 'campaign', subject: 'Hi', mjml: INVALID_MJML })
      .expect(400);
    expect(bad.text).toContain('Line 4 (mj-text)');
    expect(bad.text).toContain('Not inside a column'); // kept in the textarea

    const slug = `no-js-${uniqueTag()}`;
    const ok = await agent
      .post('/admin/templates')
      .type('form')
      .send({ _csrf: csrf, name: 'No JS', slug, kind: 'campaign', subject: 'Hi', mjml: mjmlSaying('Plain form') })
      .expect(303);
    expect(ok.headers.location).toMatch(/^\/admin\/templates\/[0-9a-f-]{36}$/);
    expect((await t.app.get(TemplatesService).resolve(slug)).source.mjml).toContain('Plain form');

    // A taken slug is shown next to the slug field.
    const taken = await agent
      .post('/admin/templates')
      .type('form')
      .send({ _csrf: csrf, name: 'No JS again', slug, kind: 'campaign', subject: 'Hi', mjml: mjmlSaying('Again') })
      .expect(400);
    expect(taken.text).toMatch(/<span class="field-error" id="t-slug-error">A template with slug [^<]+ already exists/);
  });
});
