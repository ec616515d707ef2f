import { FrameLocator, Locator, Page } from 'playwright-core';
import { until } from './browser';

/** The builder's canvas (an iframe holding the mail being built). */
export const canvas = (page: Page): FrameLocator => page.frameLocator('iframe.gjs-frame');

/** The MJML the form will submit (the code editor's textarea, which the builder writes into). */
export const codeOf = (page: Page): Promise<string> => page.locator('textarea[name="mjml"]').inputValue();

/** A space typed at the end of a text is a no-break space in any browser's in-place editing. */
export const spaced = (s: string): string => s.replace(/\u00a0|&nbsp;|&#160;/g, ' ');

export async function switchTo(page: Page, mode: 'Visual' | 'Code'): Promise<void> {
  await page.getByRole('button', { name: mode, exact: true }).click();
}

/** Double-clicks a text in the canvas (in-place editing starts) and replaces what it says by typing. */
export async function typeInto(page: Page, text: Locator, words: string): Promise<Locator> {
  await text.dblclick();
  const editing = canvas(page).locator('[contenteditable="true"]');
  await editing.waitFor();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(words);
  return editing;
}

/**
 * Drags a block from the builder's panel onto `target` (an element in the canvas) with the mouse, as a person
 * does: GrapesJS places it before or after the target depending on which half the pointer is over.
 *
 * GrapesJS's sorter handles a drag move at most once every 20 ms (a rate limiter keeps only the latest pointer
 * event) and a drop goes where the last *handled* move put it. Playwright's moves come faster than that, so a
 * drop right after the last move used to land where an earlier, intermediate move had been: over the
 * neighbouring section. The pointer therefore stays over the target, nudged by a pixel, until the drop
 * placeholder GrapesJS draws shows the intended place, and only then is the button released.
 */
export async function dragBlock(page: Page, label: string, target: Locator, half: 'top' | 'bottom'): Promise<void> {
  const block = page.getByRole('button', { name: `Add ${label}`, exact: true });
  await block.scrollIntoViewIfNeeded();
  const from = (await block.boundingBox())!;
  await target.scrollIntoViewIfNeeded();
  // the canvas re-renders after each drop: aim once the target has stopped moving
  let last = '';
  const box = await until(async () => {
    const now = await target.boundingBox();
    const same = now && JSON.stringify(now) === last;
    last = JSON.stringify(now);
    return same ? now : null;
  }, 'the drop target to settle');
  const to = { x: box.x + box.width / 2, y: box.y + (half === 'top' ? box.height * 0.2 : box.height * 0.8) };
  const edge = half === 'top' ? box.y : box.y + box.height;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  const steps = 12;
  for (let i = 1; i <= steps; i++)
    await page.mouse.move(from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps);
  // the canvas's placeholder (the layer manager has one too); it glides to a new place: wait until it rests there
  const placeholder = page.locator('.gjs-tools-gl .gjs-placeholder');
  let nudge = 0;
  let previous = '';
  await until(
    async () => {
      nudge = 1 - nudge;
      await page.mouse.move(to.x, to.y + nudge);
      const at = await placeholder.boundingBox();
      const resting = JSON.stringify(at) === previous;
      previous = JSON.stringify(at);
      // a horizontal line across the pointer, at the target's upper or lower edge
      return resting && at && at.x <= to.x && at.x + at.width >= to.x && Math.abs(at.y + at.height / 2 - edge) <= 8;
    },
    `the drop place ${half === 'top' ? 'above' : 'below'} the target`,
  );
  await page.mouse.up();
}
