import { XMLParser } from 'fast-xml-parser';
import { Browser, Page } from 'playwright-core';
import { CampaignRepository } from '../src/campaigns/campaign.repository';
import { User } from '../src/users/user.entity';
import { DataSource } from 'typeorm';
import { csrfIn, signedInAgent } from './support/admin-agent';
import { seriousViolations } from './support/axe';
import { launchBrowser, screenshot, signedInPage, stopAppAndBrowser, until } from './support/browser';
import { linksOf, pathOf, sendCampaign } from './support/campaign-mail';
import { makeList, makeSubscriber, uniqueTag } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

const MJML =
  '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{subscriber.name}}, this is the issue.</mj-text></mj-column></mj-section></mj-body></mjml>';

/** The last Sunday of March of `year`: when Berlin's clocks jump from 02:00 to 03:00. */
function springForward(year: number): string {
  const day = 31 - new Date(Date.UTC(year, 2, 31)).getUTCDay();
  return `${year}-03-${String(day).padStart(2, '0')}`;
}

describe('admin UI: brand, time zones and the archive', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let browser: Browser;
  let editorToken: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url });
    browser = await launchBrowser();
    editorToken = await t.tokenFor('editor');
  });
  afterAll(async () => {
    await stopAppAndBrowser(t, browser);
    await sink?.stop();
  });

  const expectNoSeriousViolations = async (page: Page) => expect(await seriousViolations(page)).toEqual([]);

  /** A draft campaign (through the API) with one list of one reader; answers its id. */
  async function draft(subject: string): Promise<string> {
    const list = await makeList(t);
    await makeSubscriber(t, { name: 'Grace Hopper', lists: { [list.id]: 'confirmed' } });
    const res = await t
      .http()
      .post('/api/campaigns')
      .set({ Authorization: `Bearer ${editorToken}` })
      .send({ name: subject, subject, mjml: MJML, listIds: [list.id] })
      .expect(201);
    return res.body.id;
  }

  it('an admin sets the brand in Settings and sees it on the unsubscribe page a reader opens', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'admin');
    await page.goto('/admin/settings#brand');
    const brand = page.getByRole('region', { name: 'Brand on readers’ pages' });
    await brand.getByLabel('Organisation name').fill('The Quarterly');
    // A path under PUBLIC_URL, as the media library gives them; any /o/ path answers a real 1×1 GIF (the open pixel).
    await brand.getByLabel('Logo URL').fill('/o/quarterly-logo.gif');
    // Too light for white button text: refused, with the ratio, beside the field.
    await brand.getByLabel('Primary colour (buttons, links)').fill('#ffcc00');
    await brand.getByRole('button', { name: 'Save brand' }).click();
    await expect(page.locator('#brand-primary-error').textContent()).resolves.toMatch(
      /primary colour #ffcc00 is too light: white button text on it has a contrast of 1\.\d\d:1/,
    );
    await expectNoSeriousViolations(page);

    await page.getByLabel('Primary colour (buttons, links)').fill('#7c2d12');
    await page.getByLabel('Background colour').fill('#fff7ed');
    await page.getByRole('button', { name: 'Save brand' }).click();
    await page.getByRole('status').filter({ hasText: 'Brand saved' }).waitFor();
    await expect(page.getByLabel('Organisation name').inputValue()).resolves.toBe('The Quarterly');
    await expectNoSeriousViolations(page);
    await screenshot(page, 'settings-brand');

    // A reader follows the unsubscribe link of a campaign mail.
    const list = await makeList(t);
    const reader = await makeSubscriber(t, { lists: { [list.id]: 'confirmed' } });
    const sent = await sendCampaign(t, sink, editorToken, { mjml: MJML, listIds: [list.id] }, 1);
    const readerPage = await browser.newPage({ baseURL: t.baseUrl });
    await readerPage.goto(pathOf(linksOf(sent.mails.get(reader.email)!).unsubscribe));
    const header = readerPage.locator('header.brand');
    await expect(header.textContent()).resolves.toBe('The Quarterly');
    await expect(header.locator('img').getAttribute('src')).resolves.toBe(`${t.baseUrl}/o/quarterly-logo.gif`);
    await until(
      () => header.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 1),
      'the logo',
    );
    await expect(readerPage.evaluate(() => getComputedStyle(document.body).backgroundColor)).resolves.toBe(
      'rgb(255, 247, 237)',
    );
    const button = readerPage.getByRole('button', { name: 'Unsubscribe' });
    await expect(button.evaluate((b) => getComputedStyle(b).backgroundColor)).resolves.toBe('rgb(124, 45, 18)');
    await expectNoSeriousViolations(readerPage);
    await screenshot(readerPage, 'unsubscribe-branded');
    await readerPage.close();
    expect(consoleErrors.filter((e) => !e.includes('status of 400'))).toEqual([]);
  });

  it('an editor in Europe/Berlin schedules on their wall clock, sees the zone, and is told of a time DST skips', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto('/admin');
    await page.getByRole('link', { name: /^editor-ui-/ }).click();
    await page.getByRole('heading', { name: 'Your profile' }).waitFor();
    await expectNoSeriousViolations(page);
    await page.getByRole('combobox', { name: 'Time zone' }).selectOption('Europe/Berlin');
    await page.getByRole('button', { name: 'Save time zone' }).click();
    await page.getByRole('status').filter({ hasText: 'times now show in Europe/Berlin' }).waitFor();
    await expect(page.locator('[data-now]').textContent()).resolves.toMatch(/ Europe\/Berlin$/);

    const id = await draft(`Winter issue ${uniqueTag()}`);
    await page.goto(`/admin/campaigns/${id}/review`);
    const year = new Date().getUTCFullYear() + 1;
    const sendAt = page.getByLabel('Or schedule for (Europe/Berlin)');

    // 02:30 on the night the clocks go forward does not exist in Berlin.
    await sendAt.fill(`${springForward(year)}T02:30`);
    await page.getByRole('button', { name: 'Schedule' }).click();
    await expect(page.locator('#r-send-at-error').textContent()).resolves.toBe(
      `02:30 on ${springForward(year)} does not exist in Europe/Berlin: the clocks skip that hour (daylight saving time starts). Choose another time.`,
    );
    await expectNoSeriousViolations(page);

    await page.getByLabel('Or schedule for (Europe/Berlin)').fill(`${year}-12-03T09:00`);
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.waitForURL(`**/admin/campaigns/${id}`);
    await page
      .getByRole('status')
      .filter({ hasText: `Scheduled for 3 Dec ${year}, 09:00 Europe/Berlin` })
      .waitFor();
    // Stored in UTC: 09:00 in Berlin in winter is 08:00 UTC.
    const stored = await t.app.get(CampaignRepository).findById(id);
    expect(stored!.sendAt!.toISOString()).toBe(`${year}-12-03T08:00:00.000Z`);
    const details = page.getByRole('region', { name: 'Details' });
    await expect(details.getByText(`3 Dec ${year}, 09:00 Europe/Berlin`).isVisible()).resolves.toBe(true);
    await expectNoSeriousViolations(page);
    await screenshot(page, 'campaign-scheduled-berlin');
    expect(consoleErrors.filter((e) => !e.includes('status of 400'))).toEqual([]);
  });

  it('a profile takes only a zone Intl knows, spelled as Intl spells it; a viewer may set their own', async () => {
    const { agent } = await signedInAgent(t, 'viewer');
    const page = await agent.get('/admin/profile').expect(200);
    expect(page.text).toContain('<option value="UTC" selected>UTC</option>');
    const bad = await agent
      .post('/admin/profile')
      .type('form')
      .send({ timeZone: 'Mars/Olympus', _csrf: csrfIn(page.text) })
      .expect(400);
    expect(bad.text).toContain('timeZone must be a time zone name such as Europe/Berlin; Mars/Olympus is not one');
    await agent
      .post('/admin/profile')
      .type('form')
      .send({ timeZone: 'america/new_york', _csrf: csrfIn(page.text) })
      .expect(303);
    const email = /title="Your profile: ([^,]+),/.exec(page.text)![1];
    const user = await t.app.get(DataSource).getRepository(User).findOneByOrFail({ email });
    expect(user.timeZone).toBe('America/New_York');
    expect((await agent.get('/admin/profile').expect(200)).text).toMatch(/data-now>[^<]+ America\/New_York</);
  });

  it('an editor ticks “publish in the archive”, sends, and finds the newsletter in the RSS feed', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    const subject = `Spring issue ${uniqueTag()}`;
    const id = await draft(subject);
    await page.goto(`/admin/campaigns/${id}/settings`);
    await page.getByLabel('Publish in the public archive and its RSS feed once sent').check();
    await expectNoSeriousViolations(page);
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: 'Review and send' }).waitFor();
    await page.getByRole('button', { name: 'Send now' }).click();
    await page.waitForURL(`**/admin/campaigns/${id}`);
    await until(async () => (await t.app.get(CampaignRepository).findStatus(id))?.status === 'sent', 'sent');
    const slug = subject.toLowerCase().replace(/ /g, '-');
    // The page may reload itself once it sees the status change (poll.ts): a reload of ours can race with that one
    // and be aborted, so it is tried again until the sent campaign's page shows the archive link.
    const archiveLink = page.getByRole('link', { name: `/archive/${slug}` });
    await until(async () => {
      if (await archiveLink.isVisible()) return true;
      await page.reload().catch(() => undefined);
      return archiveLink.isVisible();
    }, 'the archive link on the sent campaign’s page');
    await expect(archiveLink.getAttribute('href')).resolves.toBe(`/archive/${slug}`);
    await expectNoSeriousViolations(page);

    const feed = await page.request.get('/archive/feed.xml');
    const items = [new XMLParser().parse(await feed.text()).rss.channel.item].flat() as {
      title: string;
      link: string;
    }[];
    expect(items.find((i) => i.title === subject)?.link).toBe(`${t.baseUrl}/archive/${slug}`);

    await page.getByRole('link', { name: `/archive/${slug}` }).click();
    await expect(page.title()).resolves.toBe(subject);
    await expect(page.getByText('Hello Reader, this is the issue.').isVisible()).resolves.toBe(true);
    await page.getByRole('link', { name: 'All newsletters' }).click();
    await expect(page.getByRole('link', { name: subject }).isVisible()).resolves.toBe(true);
    await expectNoSeriousViolations(page);
    await screenshot(page, 'archive-index');

    // Taken out from its page: the archive answers 404.
    await page.goto(`/admin/campaigns/${id}`);
    await page.getByRole('button', { name: 'Take out of the archive' }).click();
    await page.getByRole('status').filter({ hasText: 'Taken out of the public archive' }).waitFor();
    expect((await page.request.get(`/archive/${slug}`)).status()).toBe(404);
    // The newsletter's own web font (MJML links Google Fonts' Ubuntu) cannot be fetched from this offline machine.
    expect(consoleErrors.filter((e) => !e.includes('net::ERR_NAME_NOT_RESOLVED'))).toEqual([]);
  });
});
