import { FrameLocator, Locator, Page } from 'playwright-core';

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
