import { Browser, Locator, Page } from 'playwright-core';
import { SettingsService } from '../src/settings/settings.service';
import { seriousViolations } from './support/axe';
import { canvas, codeOf, spaced, switchTo } from './support/builder-page';
import { launchBrowser, signedInPage, stopAppAndBrowser, until } from './support/browser';
import { makeList, makeSubscriber, uniqueTag } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

const LINK = 'https://example.com/spring?from=news&issue=4#gardens';

/** Selects `words` inside a text being edited in place, by dragging the mouse across them. */
async function dragAcross(page: Page, text: Locator, words: string): Promise<void> {
  const at = await text.evaluate((el, words) => {
    const walker = el.ownerDocument.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const start = node.textContent!.indexOf(words);
      if (start < 0) continue;
      const range = el.ownerDocument.createRange();
      range.setStart(node, start);
      range.setEnd(node, start + words.length);
      const r = range.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      return { left: r.left - box.left, right: r.right - box.left, y: r.top - box.top + r.height / 2 };
    }
    return null;
  }, words);
  if (!at) throw new Error(`“${words}” is not in the text`);
  const box = (await text.boundingBox())!;
  await page.mouse.move(box.x + at.left + 1, box.y + at.y);
  await page.mouse.down();
  await page.mouse.move(box.x + (at.left + at.right) / 2, box.y + at.y, { steps: 4 });
  await page.mouse.move(box.x + at.right - 1, box.y + at.y, { steps: 4 });
  await page.mouse.up();
}

/** A Style panel field by its label (the panel shows only the fields the selected block takes). */
const field = (page: Page, label: string) => page.locator('.gjs-sm-sectors').getByLabel(label, { exact: true });

/** Types a value into a Style panel field as a person does: click it, replace the text, Tab on. */
async function setField(page: Page, label: string, value: string): Promise<void> {
  const input = field(page, label);
  await input.click();
  await input.press('Control+A');
  await input.pressSequentially(value);
  await input.press('Tab');
}

/** Clicks a choice (Left, Centre, Right…) of a Style panel property drawn as buttons. */
const choose = (page: Page, property: string, choice: string) =>
  page.locator(`.gjs-sm-property__${property}`).getByText(choice, { exact: true }).click();

/** The mail's HTML in the browser: the styles a reader's mail program would be given, element by element. */
async function mailStyles(page: Page, html: string) {
  await page.setContent(html);
  return page.evaluate(() => {
    const holding = (text: string) =>
      [...document.querySelectorAll('div, a, td')].filter((el) => el.textContent?.trim() === text).pop() as
        HTMLElement | undefined;
    const style = (el: Element | null | undefined) => (el ? getComputedStyle(el) : null);
    const text = holding('Write your message here.')!;
    const textCell = text.closest('td')!;
    const button = holding('Read more')!;
    const buttonRow = button.closest('table')!.closest('td')!;
    // the colour the text stands on: its nearest ancestor with a background
    let painted: HTMLElement | null = text;
    while (painted && getComputedStyle(painted).backgroundColor === 'rgba(0, 0, 0, 0)') painted = painted.parentElement;
    return {
      text: {
        color: style(text)!.color,
        fontFamily: style(text)!.fontFamily,
        textAlign: style(text)!.textAlign,
        cellAlign: textCell.getAttribute('align'),
        paddingTop: style(textCell)!.paddingTop,
      },
      button: {
        fontFamily: style(button)!.fontFamily,
        background: style(button.closest('td'))!.backgroundColor,
        rowAlign: buttonRow.getAttribute('align'),
      },
      section: { background: style(painted)?.backgroundColor },
      word: style(text.querySelector('span'))?.color ?? null,
      link: text.querySelector('a')?.getAttribute('href') ?? null,
      linkText: text.querySelector('a')?.textContent ?? null,
    };
  });
}

describe('admin UI: the builder’s Style panel and links', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'News <news@style.example>' });
    await t.app.get(SettingsService).setSenders([{ name: 'News', email: 'news@style.example' }]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await stopAppAndBrowser(t, browser);
    await sink?.stop();
  });

  it('sets font, colour, alignment and padding with the mouse and links words in place; the mail that arrives has them', async () => {
    const tag = uniqueTag();
    const list = await makeList(t, { name: `Gardeners ${tag}` });
    const reader = await makeSubscriber(t, { name: 'Ada', lists: { [list.id]: 'confirmed' } });
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto('/admin/campaigns/new');
    await page.getByLabel('Campaign name').fill(`Spring ${tag}`);
    await page.getByLabel('Write MJML').check();
    await switchTo(page, 'Visual');
    const text = canvas(page).getByText('Write your message here.', { exact: true });
    await text.waitFor();

    // The text: a font, a colour, centred, more room above.
    await text.click();
    await page.getByRole('button', { name: 'Style', exact: true }).click();
    // only what a text takes: no button colour (the panel opened after the selection used to show everything)
    await field(page, 'Font').waitFor();
    await expect(field(page, 'Background colour').isVisible()).resolves.toBe(false);
    await field(page, 'Font').selectOption({ label: 'Georgia' });
    await setField(page, 'Text colour', '#b91c1c');
    await choose(page, 'align', 'Centre');
    await setField(page, 'Padding top', '30');
    await until(
      async () =>
        /<mj-text(?=[^>]*font-family="Georgia, 'Times New Roman', serif")(?=[^>]*color="#b91c1c")(?=[^>]*align="center")(?=[^>]*padding-top="30px")[^>]*>Write your message here\.<\/mj-text>/.test(
          await codeOf(page),
        ),
      'the text’s style in the MJML',
    );

    // The button: its own colour and font, on the right.
    await canvas(page).locator('[data-gjs-type="mj-button"]').click();
    await setField(page, 'Background colour', '#0f766e');
    await field(page, 'Font').selectOption({ label: 'Verdana' });
    await choose(page, 'align', 'Right');
    // The section: a background colour (a section aligns its content with text-align, shown as "Alignment" too).
    await canvas(page)
      .locator('[data-gjs-type="mj-section"]')
      .first()
      .click({ position: { x: 8, y: 8 } });
    // Waits for the panel to show the section's properties (isVisible() would not wait).
    await page.locator('.gjs-sm-property__text-align').getByText('Alignment').waitFor({ state: 'visible' });
    await setField(page, 'Background colour', '#fef3c7');
    await until(async () => {
      const mjml = await codeOf(page);
      return (
        /<mj-button(?=[^>]*background-color="#0f766e")(?=[^>]*font-family="Verdana, Geneva, sans-serif")(?=[^>]*align="right")/.test(
          mjml,
        ) && /<mj-section(?=[^>]*background-color="#fef3c7")/.test(mjml)
      );
    }, 'the button’s and the section’s style in the MJML');

    // A link on two words: select them in the text, the toolbar's Link, type the address.
    await text.dblclick();
    const editing = canvas(page).locator('[contenteditable="true"]');
    await editing.waitFor();
    await dragAcross(page, editing, 'message here');
    await until(
      async () => (await editing.evaluate((el) => el.ownerDocument.getSelection()?.toString())) === 'message here',
      'the two words selected',
    );
    await page.locator('.gjs-rte-action[title="Link"]').click();
    const dialog = page.getByRole('dialog', { name: 'Link' });
    await dialog.getByText('Words: “message here”').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // an address that is not one is refused in the dialog, and nothing is linked
    await dialog.getByLabel(/^Address/).fill('javascript:alert(1)');
    await dialog.getByRole('button', { name: 'Add link' }).click();
    await dialog.getByRole('alert').getByText('Type a web address').waitFor();
    await dialog.getByLabel(/^Address/).fill(LINK);
    await dialog.getByRole('button', { name: 'Add link' }).click();
    await page.getByText(`Link to ${LINK} added`).waitFor();
    // the click in the dialog left the text open for more typing
    await expect(editing.count()).resolves.toBe(1);
    // One word in another colour: "Wrap for style", then the Style panel shows what words take (no alignment).
    await dragAcross(page, editing, 'Write');
    await page.locator('.gjs-rte-action[title="Wrap for style"]').click();
    await until(async () => !(await page.locator('.gjs-sm-property__align').isVisible()), 'the panel for words');
    await setField(page, 'Text colour', '#1d4ed8');
    await canvas(page)
      .locator('[data-gjs-type="mj-section"]')
      .first()
      .click({ position: { x: 8, y: 8 } });
    await editing.waitFor({ state: 'detached' });
    const linked = `<span style="color:#1d4ed8;">Write</span> your <a href="${LINK.replace('&', '&amp;')}">message here</a>.`;
    await until(async () => spaced(await codeOf(page)).includes(linked), 'the link in the MJML');
    expect(consoleErrors).toEqual([]);

    // Sent through the campaign steps.
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: 'Audience' }).waitFor();
    await page.getByLabel(`Gardeners ${tag}`).check();
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.getByLabel('Subject').fill(`Spring news ${tag}`);
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: 'Review and send' }).waitFor();
    await page.getByRole('button', { name: 'Send now' }).click();
    const [mail] = await sink.waitFor((m) => m.parsed.subject === `Spring news ${tag}`);
    expect(mail.to).toEqual([reader.email]);

    // What the reader's mail program is given: each style where the editor set it.
    const html = mail.parsed.html as string;
    expect(html).toContain("font-family:Georgia, 'Times New Roman', serif");
    const seen = await mailStyles(await page.context().newPage(), html);
    expect(seen.text).toEqual({
      color: 'rgb(185, 28, 28)',
      fontFamily: 'Georgia, "Times New Roman", serif',
      textAlign: 'center',
      cellAlign: 'center',
      paddingTop: '30px',
    });
    expect(seen.button).toEqual({
      fontFamily: 'Verdana, Geneva, sans-serif',
      background: 'rgb(15, 118, 110)',
      rowAlign: 'right',
    });
    expect(seen.section.background).toBe('rgb(254, 243, 199)');
    expect(seen.word).toBe('rgb(29, 78, 216)');
    // The linked words are a tracked click link that leads to the address typed.
    expect(seen.linkText).toBe('message here');
    expect(seen.link).toMatch(new RegExp(`^${t.baseUrl}/c/`));
    const click = await fetch(seen.link!, { redirect: 'manual' });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe(LINK);
    expect(mail.parsed.text).toContain('message here');
  });

  it('is reachable by keyboard: Tab to the Style panel and change the font and the alignment with keys', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto('/admin/templates/new');
    await switchTo(page, 'Visual');
    await canvas(page).getByText('Write your message here.').waitFor();
    // A text added from the keyboard (Tab to its block, Enter) is the selected block.
    await page.getByRole('button', { name: 'Add Text' }).focus();
    await page.keyboard.press('Enter');
    await until(async () => (await codeOf(page)).match(/<mj-text/g)!.length === 4, 'the new text');
    // From the Style button, Tab goes through the panel to the font, whose value the arrow keys change.
    const style = page.getByRole('button', { name: 'Style', exact: true });
    await style.focus();
    await page.keyboard.press('Enter');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
    const tabTo = async (label: string) => {
      for (let i = 0; i < 40 && (await focused()) !== label; i++) await page.keyboard.press('Tab');
      expect(await focused()).toBe(label);
    };
    await tabTo('Font');
    await page.keyboard.press('ArrowDown');
    await until(
      async () => /<mj-text font-family="Arial, Helvetica, sans-serif"[^>]*>/.test(await codeOf(page)),
      'the font chosen with the arrow key in the MJML',
    );
    // Alignment: Tab into the choices, the arrow keys move between them.
    await page.keyboard.press('Tab');
    for (let i = 0; i < 40; i++) {
      const name = await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name ?? '');
      if (name.startsWith('align-')) break;
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await until(
      async () =>
        /<mj-text(?=[^>]*font-family="Arial, Helvetica, sans-serif")(?=[^>]*align="right")/.test(await codeOf(page)),
      'the alignment chosen with the arrow keys in the MJML',
    );
    // Enter in a field sets its value and does not submit the template's form.
    await tabTo('Padding top');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('40');
    await page.keyboard.press('Enter');
    await until(async () => /<mj-text(?=[^>]*padding-top="40px")/.test(await codeOf(page)), 'the padding in the MJML');
    await expect(page.getByText('Please correct the fields marked below').count()).resolves.toBe(0);
    expect(new URL(page.url()).pathname).toBe('/admin/templates/new');

    // axe on the builder with the Style panel open.
    expect(await seriousViolations(page)).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
