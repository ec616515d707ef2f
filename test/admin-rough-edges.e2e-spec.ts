import { Browser, Locator, Page } from 'playwright-core';
import { DataSource, In } from 'typeorm';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import { preferencesUrlOf } from '../src/delivery/personalize';
import { MailingList } from '../src/lists/list.entity';
import { SettingsService } from '../src/settings/settings.service';
import { emailKeyOf, Subscriber } from '../src/subscribers/subscriber.entity';
import { TokenService } from '../src/tokens/token.service';
import { seriousViolations } from './support/axe';
import { signedInPage, startAppAndBrowser, stopAppAndBrowser, unexpectedConsoleErrors, until } from './support/browser';
import { makeList, makeSubscriber, membershipsOf, uniqueTag } from './support/factories';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { TestApp } from './support/test-app';

/** A 600 px mail, as MJML lays one out by default. */
const MJML = `<mjml><mj-body width="600px"><mj-section><mj-column><mj-text>Hello {{subscriber.name}}</mj-text>
<mj-divider border-width="4px"></mj-divider></mj-column></mj-section></mj-body></mjml>`;
// A sender address long enough to overflow a narrow card if it cannot wrap.
const LONG_FROM = `${'n'.repeat(60)}@${'very-long-domain-name-'.repeat(2)}example.com`;

/**
 * Issue 15, "the rough edges found on the way", as an editor and a reader see them in Chromium: the import's
 * confirmation choice, duplicate list names, the preview widths, plain error messages, the invalid-link page's
 * form, attribute labels on the reader's pages, plurals and the review summary's wrapping. axe on every page.
 */
describe('admin UI: the rough edges of issue 15', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let browser: Browser;
  const sentTo = (m: ReceivedMail, email: string) => m.to.some((a) => a.toLowerCase() === email.toLowerCase());

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    ({ t, browser } = await startAppAndBrowser({ SMTP_URL: sink.url, MAIL_FROM: `News <${LONG_FROM}>` }));
  });
  afterAll(async () => {
    await stopAppAndBrowser(t, browser);
    await sink?.stop();
  });

  const noSeriousViolations = async (page: Page) => expect(await seriousViolations(page, ['.cm-editor'])).toEqual([]);

  it('import into a double opt-in list: asks whether to send confirmations, sends them, and says so', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    const tag = uniqueTag();
    const members = await makeList(t, { name: `Members ${tag}`, optIn: 'double' });
    const [ann, bob] = [`ann-${tag}@example.com`, `bob-${tag}@example.com`];
    const file = {
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`email,name\n${ann},Ann\n${bob},Bob\n`),
    };

    await page.goto('/admin/imports/new');
    await noSeriousViolations(page);
    await page.locator('input[name="file"]').setInputFiles(file);
    await page.getByRole('checkbox', { name: new RegExp(`Members ${tag}`) }).check();
    await page.getByRole('button', { name: 'Start import' }).click();
    // Not chosen: refused beside the choice, in plain words, nothing imported.
    await expect(page.locator('#confirmation-error').textContent()).resolves.toBe(
      'Choose whether the people you import into a double opt-in list are sent a confirmation mail, or already agreed',
    );
    await noSeriousViolations(page);

    await page.locator('input[name="file"]').setInputFiles(file);
    await expect(page.getByRole('checkbox', { name: new RegExp(`Members ${tag}`) }).isChecked()).resolves.toBe(true);
    await page.getByRole('radio', { name: /^Send them a confirmation mail/ }).check();
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.waitForURL(/\/admin\/imports\/[0-9a-f-]{36}$/);
    // The page reloads itself when the import is done.
    await expect(page.locator('[data-field="confirmation"]').textContent()).resolves.toBe(
      'Double opt-in lists: 2 people were sent a confirmation mail; they stay pending until they click its link.',
    );
    await noSeriousViolations(page);

    await sink.waitFor((m) => sentTo(m, ann) || sentTo(m, bob), 2);
    const subscribers = await t.app
      .get(DataSource)
      .getRepository(Subscriber)
      .findBy({ emailKey: In([ann, bob].map(emailKeyOf)) });
    expect(subscribers).toHaveLength(2);
    for (const s of subscribers)
      await expect(membershipsOf(t, s.id)).resolves.toEqual([{ listId: members.id, status: 'unconfirmed' }]);
    expect(unexpectedConsoleErrors(consoleErrors, 400)).toEqual([]);
  });

  it('refuses a second list of the same name beside the field, in plain words', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    const tag = uniqueTag();
    await makeList(t, { name: `News ${tag}` });
    await page.goto('/admin/lists/new');
    await page.getByLabel('Name').fill(`  news ${tag.toUpperCase()} `);
    await page.getByRole('button', { name: 'Create list' }).click();
    await expect(page.locator('#name-error').textContent()).resolves.toBe(
      `There is already a list called “news ${tag.toUpperCase()}” (capitals and spaces around it do not count): choose another name`,
    );
    await expect(page.getByLabel('Name').getAttribute('aria-invalid')).resolves.toBe('true');
    await noSeriousViolations(page);
    const named = await t.app
      .get(DataSource)
      .getRepository(MailingList)
      .countBy({ nameKey: `news ${tag}` });
    expect(named).toBe(1);
    // An empty name is said plainly too.
    await page.getByLabel('Name').fill('');
    await page.getByRole('button', { name: 'Create list' }).click();
    await expect(page.locator('#name-error').textContent()).resolves.toBe('The name is empty: fill it in');
    await page.goto('/admin/lists');
    await noSeriousViolations(page);
    expect(unexpectedConsoleErrors(consoleErrors, 400, 409)).toEqual([]);
  });

  /** The width of the page inside a preview frame, and how wide its content is. */
  const frameWidths = async (frame: Locator) => {
    const inner = await (await frame.elementHandle()).contentFrame();
    if (!inner) throw new Error('the preview frame has no page');
    await inner.waitForSelector('body');
    return inner.evaluate(() => ({
      client: document.documentElement.clientWidth,
      scroll: document.documentElement.scrollWidth,
    }));
  };

  it('previews a 600 px mail whole on "Desktop" and at phone width on "Mobile", in the editor and on review', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    const tag = uniqueTag();
    const list = await makeList(t, { name: `Preview ${tag}` });
    await makeSubscriber(t, { email: `one-${tag}@example.com`, lists: { [list.id]: 'confirmed' } });
    const campaign = await t.app
      .get(CampaignsService)
      .create({ name: `Preview ${tag}`, subject: 'Hello', mjml: MJML, listIds: [list.id] });

    for (const [path, frameSelector] of [
      [`/admin/campaigns/${campaign.id}/content`, 'iframe[data-editor-preview]'],
      [`/admin/campaigns/${campaign.id}/review`, '#review-frame'],
    ]) {
      await page.goto(path);
      const frame = page.locator(frameSelector);
      await page.getByRole('group', { name: 'Preview width' }).waitFor();
      const desktop = await until(() => frameWidths(frame), 'the preview'); // (read again if it was being replaced)
      expect(desktop.client).toBeGreaterThanOrEqual(600);
      expect(desktop.scroll).toBeLessThanOrEqual(desktop.client); // nothing scrolled sideways
      await page.getByRole('group', { name: 'Preview width' }).getByRole('button', { name: 'Mobile' }).click();
      // the frame takes its new width at the page's next layout, and the editor may be replacing the preview
      const mobile = await until(async () => {
        const widths = await frameWidths(frame);
        return widths.client <= 390 && widths;
      }, 'the preview at phone width');
      expect(mobile.client).toBeGreaterThanOrEqual(360);
      expect(mobile.client).toBeLessThanOrEqual(390);
      await noSeriousViolations(page);
    }
    expect(consoleErrors).toEqual([]);
  });

  it('review: long values wrap inside the summary, counts read in words, and a bad test address is named', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    const tag = uniqueTag();
    const list = await makeList(t, { name: `Readers-of-the-monthly-long-form-newsletter-${'x'.repeat(90)}-${tag}` });
    await makeSubscriber(t, { email: `only-${tag}@example.com`, lists: { [list.id]: 'confirmed' } });
    const campaign = await t.app.get(CampaignsService).create({
      name: `Wrap ${tag}`,
      subject: `An-unbroken-subject-line-that-goes-on-${'and-on-'.repeat(15)}${tag}`,
      mjml: MJML,
      listIds: [list.id],
    });
    await page.goto(`/admin/campaigns/${campaign.id}/review`);
    const card = page.locator('section[aria-labelledby="summary-h"]');
    const box = (await card.boundingBox())!;
    for (const dd of await card.locator('dd').all()) {
      const b = (await dd.boundingBox())!;
      expect(b.x + b.width).toBeLessThanOrEqual(box.x + box.width);
    }
    await expect(card.evaluate((el) => el.scrollWidth <= el.clientWidth)).resolves.toBe(true);
    await expect(card.locator('dd', { hasText: LONG_FROM }).count()).resolves.toBe(1);
    // One recipient, in words.
    await expect(page.getByText(/^Goes to 1 recipient now/).isVisible()).resolves.toBe(true);
    await noSeriousViolations(page);

    await page.getByLabel('Test addresses').fill(`ok-${tag}@example.com, bob@, carol`);
    await page.getByRole('button', { name: 'Send test' }).click();
    await expect(page.locator('#r-test-error').textContent()).resolves.toBe(
      '“bob@”, “carol” are not email addresses: write each like reader@example.com',
    );
    await noSeriousViolations(page);
    await page.goto('/admin/campaigns');
    await noSeriousViolations(page);
    expect(unexpectedConsoleErrors(consoleErrors, 400)).toEqual([]);
  });

  it('the invalid preferences link page offers the form it promises, with the same answer for any address', async () => {
    const context = await browser.newContext({ baseURL: t.baseUrl });
    const page = await context.newPage();
    const known = await makeSubscriber(t, { email: `known-${uniqueTag()}@example.com` });

    for (const start of ['/p/not-a-real-token', '/p/not-a-real-token/erase']) {
      const res = await page.goto(start);
      expect(res!.status()).toBe(404);
      await noSeriousViolations(page);
      await page.getByLabel('Your email address').fill('not an address');
      await page.getByRole('button', { name: 'Email me a new link' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toBe(
        '“not an address” is not an email address: write it like reader@example.com',
      );
      await noSeriousViolations(page);
    }

    const answer = async (email: string) => {
      await page.goto('/p/not-a-real-token');
      await page.getByLabel('Your email address').fill(email);
      await page.getByRole('button', { name: 'Email me a new link' }).click();
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Check your inbox');
      return (await page.locator('main').textContent())!.replace(email, 'ADDRESS');
    };
    const forKnown = await answer(known.email);
    const forUnknown = await answer(`nobody-${uniqueTag()}@example.com`);
    expect(forUnknown).toBe(forKnown);
    await noSeriousViolations(page);
    const [mail] = await sink.waitFor((m) => sentTo(m, known.email));
    expect(mail.parsed.text).toContain(`${t.config.publicUrl}/p/`);
    await context.close();
  });

  it("shows attributes on the reader's preference centre under labels, never as raw keys", async () => {
    await t.app
      .get(SettingsService)
      .setEditableAttribute({ key: 'shipping_address', label: 'Where we post your copy' });
    const person = await makeSubscriber(t, {
      email: `reader-${uniqueTag()}@example.com`,
      attributes: { shipping_address: { street_name: 'Hauptstraße 5', zip_code: '10115' } },
    });
    const context = await browser.newContext({ baseURL: t.baseUrl });
    const page = await context.newPage();
    await page.goto(preferencesUrlOf(t.app.get(TokenService), t.config.publicUrl, { s: person.id }));
    const main = await page.locator('main').innerText(); // the text shown, not the page's <style>
    expect(main).toContain('Where we post your copy');
    expect(main).toContain('Street name');
    expect(main).toContain('Zip code');
    expect(main).not.toMatch(/zip_code|street_name|shipping_address|[{}]/);
    await noSeriousViolations(page);
    await context.close();
  });
});
