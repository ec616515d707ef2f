import { Browser, Page } from 'playwright-core';
import { SettingsService } from '../src/settings/settings.service';
import { seriousViolations } from './support/axe';
import { canvas, codeOf, dragBlock, switchTo } from './support/builder-page';
import { launchBrowser, signedInPage, stopAppAndBrowser, until } from './support/browser';
import { makeList, makeSubscriber, uniqueTag } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

const PROFILE = 'https://www.facebook.com/example.gardens?ref=news';
/** MJML's own social icons, which the builder's canvas (the editor's browser) loads from Mailjet's site. */
const MJML_ICONS = /^https:\/\/www\.mailjet\.com\/images\/theme\/v1\/icons\/ico-social\/[a-z-]+\.png$/;

/** Types into a field of the builder's panel (Style or Settings) as a person does: click, replace, Tab on. */
async function setField(page: Page, label: string, value: string): Promise<void> {
  const input = page.locator('.gjs-pn-views-container').getByLabel(label, { exact: true });
  await input.click();
  await input.press('Control+A');
  await input.pressSequentially(value);
  await input.press('Tab');
}

describe('admin UI: the builder’s Spacer and Social links blocks', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'News <news@social.example>' });
    await t.app.get(SettingsService).setSenders([{ name: 'News', email: 'news@social.example' }]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await stopAppAndBrowser(t, browser);
    await sink?.stop();
  });

  it('drags a spacer and social links in, sets the height and a link address; the mail has them and the link leads there', async () => {
    const tag = uniqueTag();
    const list = await makeList(t, { name: `Gardeners ${tag}` });
    const reader = await makeSubscriber(t, { name: 'Ada', lists: { [list.id]: 'confirmed' } });
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    const outside: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.protocol !== 'data:' && url.origin !== t.baseUrl) outside.push(r.url());
    });
    await page.goto('/admin/campaigns/new');
    await page.getByLabel('Campaign name').fill(`Social ${tag}`);
    await page.getByLabel('Write MJML').check();
    await switchTo(page, 'Visual');
    const text = canvas(page).getByText('Write your message here.', { exact: true });
    await text.waitFor();

    // A spacer under the text, social links under the button, both dragged with the mouse.
    await dragBlock(page, 'Spacer', canvas(page).locator('[data-gjs-type="mj-text"]', { has: text }), 'bottom');
    const spacer = canvas(page).locator('[data-gjs-type="mj-spacer"]');
    await spacer.waitFor();
    const button = canvas(page).locator('[data-gjs-type="mj-button"]').first();
    await dragBlock(page, 'Social links', button, 'bottom');
    const firstLink = canvas(page).locator('[data-gjs-type="mj-social-element"]').first();
    await firstLink.waitFor();

    // The spacer's height in the Style panel.
    await spacer.click();
    await page.getByRole('button', { name: 'Style', exact: true }).click();
    await setField(page, 'Height', '48');
    // The first social link's address in the Settings panel.
    await firstLink.click();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await setField(page, 'Link address', PROFILE);
    expect(await seriousViolations(page)).toEqual([]);

    const escaped = PROFILE.replace(/[.?]/g, '\\$&');
    await until(async () => {
      const mjml = await codeOf(page);
      return (
        /<mj-spacer(?=[^>]*height="48px")[^>]*>/.test(mjml) &&
        new RegExp(`<mj-social-element(?=[^>]*name="facebook-noshare")(?=[^>]*href="${escaped}")`).test(mjml)
      );
    }, 'the spacer’s height and the link’s address in the MJML');
    // each where it was dropped: the spacer right after the text, the social links right after the button
    const mjml = await codeOf(page);
    expect(mjml).toMatch(/Write your message here\.<\/mj-text>\s*<mj-spacer/);
    expect(mjml).toMatch(/<\/mj-button>\s*<mj-social\b/);
    // The only requests to another site are MJML's social icons (here, offline, they fail: "net::" errors).
    expect(outside.length).toBeGreaterThan(0);
    expect(outside.filter((u) => !MJML_ICONS.test(u))).toEqual([]);
    const failedLoads = consoleErrors.filter((e) => e.startsWith('Failed to load resource: net::'));
    expect(failedLoads.length).toBeLessThanOrEqual(outside.length);
    expect(consoleErrors.filter((e) => !failedLoads.includes(e))).toEqual([]);

    // Sent through the campaign steps.
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: 'Audience' }).waitFor();
    await page.getByLabel(`Gardeners ${tag}`).check();
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.getByLabel('Subject').fill(`Social news ${tag}`);
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: 'Review and send' }).waitFor();
    await page.getByRole('button', { name: 'Send now' }).click();
    const [mail] = await sink.waitFor((m) => m.parsed.subject === `Social news ${tag}`);
    expect(mail.to).toEqual([reader.email]);

    // In the mail: a 48 px gap, and the Facebook icon links (tracked) to the address typed.
    const view = await page.context().newPage();
    await view.setContent(mail.parsed.html as string);
    const seen = await view.evaluate(() => {
      const gap = [...document.querySelectorAll<HTMLElement>('div')].find((d) => d.style.height === '48px');
      const icon = document.querySelector('img[src*="facebook"]');
      return {
        gap: gap ? getComputedStyle(gap).height : null,
        href: icon?.closest('a')?.getAttribute('href') ?? null,
        icon: icon?.getAttribute('src') ?? null,
      };
    });
    expect(seen.gap).toBe('48px');
    // The readers' mail clients fetch the icon from this service, never from Mailjet's site.
    expect(seen.icon).toBe(`${t.baseUrl}/social-icons/facebook.png`);
    expect(mail.parsed.html).not.toContain('mailjet.com');
    const icon = await fetch(seen.icon!);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/png');
    expect((await icon.arrayBuffer()).byteLength).toBeGreaterThan(100);
    expect(seen.href).toMatch(new RegExp(`^${t.baseUrl}/c/`));
    const click = await fetch(seen.href!, { redirect: 'manual' });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe(PROFILE);
  });
});
