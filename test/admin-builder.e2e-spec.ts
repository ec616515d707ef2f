import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { TemplatePreviewService } from '../src/admin/content/template-preview.service';
import { MediaService } from '../src/media/media.service';
import { SettingsService } from '../src/settings/settings.service';
import { TemplatesService } from '../src/templates/templates.service';
import { seriousViolations } from './support/axe';
import { canvas, codeOf, dragBlock, spaced, switchTo, typeInto } from './support/builder-page';
import {
  launchBrowser,
  replaceEditorText,
  screenshot,
  signedInPage,
  stopAppAndBrowser,
  until,
} from './support/browser';
import { makeList, makeSubscriber, uniqueTag } from './support/factories';
import { mediaImages } from './support/media-images';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

const TEMPLATES_DIR = join(__dirname, '..', 'templates');
const campaignIdOf = (page: Page) => new URL(page.url()).pathname.split('/')[3];

/** The same document, entities, whitespace and `<br />` against `<br/>` aside: compared by the browser. */
function sameDocument(page: Page, a: string, b: string): Promise<boolean> {
  return page.evaluate(
    ([a, b]) => {
      const norm = (html: string) =>
        new DOMParser()
          .parseFromString(html, 'text/html')
          .documentElement.outerHTML.replace(/\s+/g, ' ')
          .replace(/> </g, '><');
      return norm(a) === norm(b);
    },
    [a, b],
  );
}

describe('admin UI: the visual builder', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'News <news@builder.example>' });
    await t.app.get(SettingsService).setSenders([{ name: 'News', email: 'news@builder.example' }]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await stopAppAndBrowser(t, browser);
    await sink?.stop();
  });

  it('builds a newsletter by dragging blocks and typing, previews it on mobile, and sends it to a list', async () => {
    const tag = uniqueTag();
    const list = await makeList(t, { name: `Readers ${tag}` });
    const ada = await makeSubscriber(t, { name: 'Ada', lists: { [list.id]: 'confirmed' } });
    const grace = await makeSubscriber(t, { name: 'Grace', lists: { [list.id]: 'confirmed' } });
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto('/admin/campaigns/new');
    await page.getByLabel('Campaign name').fill(`Blossom ${tag}`);
    await page.getByLabel('Write MJML').check();
    await switchTo(page, 'Visual');
    await expect(page.getByRole('button', { name: 'Visual', exact: true }).getAttribute('aria-pressed')).resolves.toBe(
      'true',
    );
    const firstSection = canvas(page).locator('[data-gjs-type="mj-section"]').first();
    await firstSection.waitFor();

    // A new one-column section at the top, an image and a button under its text, the footer block at the end.
    await dragBlock(page, '1 Column', firstSection, 'top');
    const typed = await typeInto(
      page,
      canvas(page).getByText('Content 1', { exact: true }),
      `The cherry trees on Elm Street are out ${tag}`,
    );
    // Bold from the in-place toolbar, then a variable from the menu at the caret.
    await page.keyboard.press('Control+A');
    await page.locator('.gjs-rte-action[title="Bold"]').click();
    // back into the text, at its end (the toolbar click took the focus)
    const box = (await typed.boundingBox())!;
    await page.mouse.click(box.x + box.width - 4, box.y + box.height / 2);
    await page.keyboard.press('End');
    await page.keyboard.type(', dear ');
    await page.getByLabel('Insert variable').selectOption('{{subscriber.name}}');
    await page.getByText('{{subscriber.name}} inserted').waitFor();
    // Clicking the new section's margin ends the in-place editing (its toolbar would cover the drop places).
    const newSection = canvas(page).locator('[data-gjs-type="mj-section"]').first();
    await newSection.click({ position: { x: 8, y: 8 } });
    await canvas(page).locator('[contenteditable="true"]').waitFor({ state: 'detached' });
    // A button under the text, and an image under the button: dropped into a one-line column.
    const textOfNew = newSection.locator('[data-gjs-type="mj-text"]');
    await dragBlock(page, 'Button', textOfNew, 'bottom');
    const button = newSection.locator('[data-gjs-type="mj-button"]');
    await button.waitFor();

    // An image: the picker opens on the dropped block and lists the library (an image from the Media page is
    // there); a photo uploaded in the picker goes to the library.
    const csrf = (await page.locator('meta[name="csrf-token"]').getAttribute('content'))!;
    const fromMediaPage = await page.request.post('/admin/media', {
      headers: { 'x-csrf-token': csrf, accept: 'application/json' },
      multipart: { file: { name: `harbour-${tag}.png`, mimeType: 'image/png', buffer: await mediaImages.pngLogo() } },
    });
    expect(fromMediaPage.status()).toBe(201);
    await dragBlock(page, 'Image', button, 'bottom');
    const picker = page.locator('.gjs-mdl-container');
    await picker.waitFor();
    await picker
      .locator('.gjs-am-asset')
      .filter({ hasText: `harbour-${tag}.png` })
      .waitFor();
    await picker
      .locator('input[type="file"]')
      .setInputFiles({ name: 'blossom.jpg', mimeType: 'image/jpeg', buffer: await mediaImages.photoWithGps() });
    await page.getByText('blossom.jpg uploaded').waitFor();
    const image = (await t.app.get(MediaService).list({ page: 1, limit: 100 })).items.find(
      (i) => i.name === 'blossom.jpg',
    )!;
    expect(image.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media\//);
    await picker.locator('.gjs-am-asset').filter({ hasText: 'blossom.jpg' }).dblclick();
    await picker.waitFor({ state: 'hidden' });
    await canvas(page).locator(`img[src="${image.url}"]`).waitFor();
    const lastSection = canvas(page).locator('[data-gjs-type="mj-section"]').last();
    await dragBlock(page, 'Footer (unsubscribe, address)', lastSection, 'bottom');
    await canvas(page).getByText('Manage preferences').waitFor();

    // Undo takes the footer away, redo brings it back.
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await until(async () => (await canvas(page).getByText('Manage preferences').count()) === 0, 'undo');
    await page.getByRole('button', { name: 'Redo', exact: true }).click();
    await canvas(page).getByText('Manage preferences').waitFor();

    // The code view follows the builder: what was typed, formatted, is the MJML the form will submit.
    // (typing on at the end of the bold run stays bold, as in any word processor)
    const words = `<b>The cherry trees on Elm Street are out ${tag}, dear {{subscriber.name}}</b>`;
    await until(async () => spaced(await codeOf(page)).includes(words), 'the code to follow');
    const mjml = spaced(await codeOf(page));
    // each block where it was dropped: the button and the image under the text, in the new section at the top
    const top = mjml.slice(mjml.indexOf('<mj-section'), mjml.indexOf('</mj-section>'));
    expect(top).toMatch(
      new RegExp(
        `${tag}.*</mj-text>\\s*<mj-button[^>]*>.*</mj-button>\\s*<mj-image src="${image.url.replace(/[.?]/g, '\\$&')}"`,
        's',
      ),
    );
    expect(mjml).toContain('href="{{unsubscribeUrl}}"');
    expect(mjml.split('\n').length).toBeGreaterThan(10);

    // Mobile preview: the canvas narrows to a phone's width, then back.
    await page.getByRole('button', { name: 'Mobile', exact: true }).click();
    const frame = page.locator('iframe.gjs-frame');
    await until(async () => ((await frame.boundingBox())?.width ?? 999) <= 480, 'the mobile width');
    await screenshot(page, 'builder-mobile');
    await page.getByRole('button', { name: 'Desktop', exact: true }).click();
    await until(async () => ((await frame.boundingBox())?.width ?? 0) > 600, 'the desktop width');
    await canvas(page)
      .locator('body')
      .evaluate((body) => body.ownerDocument.defaultView?.scrollTo(0, 0));
    await screenshot(page, 'builder');
    expect(await seriousViolations(page)).toEqual([]);

    // Saved through the same form as code, then sent to the list through the campaign steps.
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: 'Audience' }).waitFor();
    const id = campaignIdOf(page);
    await page.getByLabel(`Readers ${tag}`).check();
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.getByLabel('Subject').fill(`Blossom news ${tag}`);
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: 'Review and send' }).waitFor();
    await page.getByRole('button', { name: 'Send now' }).click();
    await page.waitForURL(`**/admin/campaigns/${id}`);

    const mails = await sink.waitFor((m) => m.parsed.subject === `Blossom news ${tag}`, 2);
    const byName = (mail: ReceivedMail) => (mail.to[0] === ada.email ? 'Ada' : 'Grace');
    expect(mails.map((m) => m.to[0]).sort()).toEqual([ada.email, grace.email].sort());
    for (const mail of mails) {
      const sentence = `The cherry trees on Elm Street are out ${tag}, dear ${byName(mail)}`;
      expect(spaced(mail.parsed.html!)).toContain(`<b>${sentence}</b>`);
      expect(spaced(mail.parsed.text!)).toContain(sentence);
      expect(mail.parsed.html).toContain('Manage preferences');
      expect(mail.parsed.html).toContain(`src="${image.url}"`);
    }
    // The image's address in the mail answers the image.
    const served = await fetch(image.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(consoleErrors).toEqual([]);
  });

  it('round-trips the built-in templates Code → Visual → Code, and warns before losing what it cannot hold', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    const previews = t.app.get(TemplatePreviewService);
    const templates = t.app.get(TemplatesService);
    const slugs = ['newsletter', 'preferences-link', 'subscription-confirm', 'order-placed', 'order-shipped'];
    for (const slug of slugs) {
      const builtIn = await templates.getBuiltIn(slug);
      const original = readFileSync(join(TEMPLATES_DIR, `${slug}.mjml`), 'utf8');
      await page.goto('/admin/templates/new');
      await replaceEditorText(page, original);
      await until(async () => (await codeOf(page)) === original, 'the code editor to hold the template');
      await switchTo(page, 'Visual');
      if (original.includes('<mj-table')) {
        // Order mails hold tables: the builder says so before anything changes, and staying keeps the code.
        const warning = page.getByRole('alert').filter({ hasText: 'cannot keep everything' });
        await warning.waitFor();
        await expect(warning.getByText('Tables (mj-table)').isVisible()).resolves.toBe(true);
        await page.getByRole('button', { name: 'Stay in code' }).click();
        await expect(warning.isVisible()).resolves.toBe(false);
        await expect(codeOf(page)).resolves.toBe(original);
        await expect(
          page.getByRole('button', { name: 'Code', exact: true }).getAttribute('aria-pressed'),
        ).resolves.toBe('true');
        continue;
      }
      await canvas(page).locator('[data-gjs-type="mj-section"]').first().waitFor();
      await switchTo(page, 'Code');
      const back = await codeOf(page);
      // The mail it renders is the same; the text of the code is reformatted (see the README).
      const [before, after] = await Promise.all(
        [original, back].map((m) => previews.preview(m, builtIn.subject, builtIn.kind, slug)),
      );
      expect(after.errors).toEqual([]);
      await expect(sameDocument(page, before.html, after.html)).resolves.toBe(true);
    }
    expect(consoleErrors).toEqual([]);
  });

  it('keeps Handlebars blocks around sections and says what it only shows; switching anyway loses the table', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    const around = `<mjml>
  <mj-body>
    {{#if subscriber.name}}
    <mj-section>
      <mj-column>
        <mj-text>Only for people with a name</mj-text>
      </mj-column>
    </mj-section>
    {{/if}}
  </mj-body>
</mjml>
`;
    await page.goto('/admin/templates/new');
    await replaceEditorText(page, around);
    await until(async () => (await codeOf(page)) === around, 'the code editor');
    await switchTo(page, 'Visual');
    await canvas(page).getByText('Only for people with a name').waitFor();
    await expect(page.getByText('Handlebars blocks between MJML tags').isVisible()).resolves.toBe(true);
    await switchTo(page, 'Code');
    expect(await codeOf(page)).toBe(around);

    const table = `<mjml><mj-body><mj-section><mj-column><mj-table><tr><td>Cell ${uniqueTag()}</td></tr></mj-table></mj-column></mj-section></mj-body></mjml>`;
    await replaceEditorText(page, table);
    await switchTo(page, 'Visual');
    await page.getByRole('button', { name: 'Switch anyway' }).click();
    await canvas(page).locator('[data-gjs-type="mj-section"]').first().waitFor();
    await until(async () => !(await codeOf(page)).includes('<td>'), 'the table rows to be gone from the code');
    expect(consoleErrors).toEqual([]);
  });

  it('saves a template from the builder through the form’s checks, and opens it in the builder again', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    const tag = uniqueTag();
    await page.goto('/admin/templates/new');
    await switchTo(page, 'Visual');
    const text = canvas(page).getByText('Write your message here.');
    await text.waitFor();
    await typeInto(page, text, `Autumn fair ${tag}`);
    // A block added without the mouse: Tab to it, Enter puts it after the selected text.
    await page.getByRole('button', { name: 'Add Divider' }).focus();
    await page.keyboard.press('Enter');
    await until(
      async () => /Autumn fair [0-9a-f]+<\/mj-text>\s*<mj-divider/.test(await codeOf(page)),
      'the divider after the text',
    );
    // A refused form (no name) comes back with the builder's MJML in it, and in the builder again.
    await page.getByRole('button', { name: 'Create template' }).click();
    await page.getByText('Please correct the fields marked below').waitFor();
    await expect(codeOf(page)).resolves.toContain(`Autumn fair ${tag}`);
    await canvas(page).getByText(`Autumn fair ${tag}`).waitFor();
    await page.getByLabel('Name').fill(`Fair ${tag}`);
    await page.getByRole('button', { name: 'Create template' }).click();
    await page.getByText(`Template “Fair ${tag}” created`).waitFor();
    const id = new URL(page.url()).pathname.split('/')[3];
    const stored = await t.app.get(TemplatesService).get(id);
    expect(stored.mjml).toContain(`Autumn fair ${tag}`);

    // axe on the template page in the builder (axe runs in the page, not inside the canvas frame's mail).
    await canvas(page).getByText(`Autumn fair ${tag}`).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect(
      consoleErrors.filter((e) => !e.startsWith('Failed to load resource: the server responded with a status of 400')),
    ).toEqual([]);
  });
});
