import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { Role } from '../../src/users/roles';
import { UsersService } from '../../src/users/users.service';
import { createTestApp, TestApp } from './test-app';

/** Screenshots of the admin pages land here (not committed). */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-output', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** How long one browser action (a click, a navigation, a wait for an element) may take. */
export const BROWSER_ACTION_TIMEOUT_MS = 120_000;

/** Debian's Chromium, headless, as the browser tests drive it. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

/** A describe block's app (with `env`) and the browser that drives its admin pages. */
export async function startAppAndBrowser(env: Record<string, string> = {}): Promise<{ t: TestApp; browser: Browser }> {
  const t = await createTestApp(env);
  return { t, browser: await launchBrowser() };
}

/** The browser first (its pages hold connections to the app), then the app; either may not have started. */
export async function stopAppAndBrowser(t: TestApp | undefined, browser: Browser | undefined): Promise<void> {
  await browser?.close();
  await t?.close();
}

export interface AdminPage {
  page: Page;
  /** console errors and uncaught page errors seen so far: a test ends by expecting none */
  consoleErrors: string[];
  email: string;
}

let users = 0;

/**
 * A new browser context signed in through the login form as a new user of `role`. Confirm dialogs
 * ("Send this campaign?") are accepted.
 */
export async function signedInPage(
  browser: Browser,
  t: TestApp,
  role: Role,
  viewport = { width: 1366, height: 900 },
): Promise<AdminPage> {
  const email = `${role}-ui-${++users}-${Date.now()}@example.com`;
  await t.app.get(UsersService).create(email, 'correct horse battery', role);
  const context = await browser.newContext({ baseURL: t.baseUrl, viewport });
  // Playwright's 30 s per action is too short on a busy machine (two suites at once): a deadline only ends a hang.
  context.setDefaultTimeout(BROWSER_ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(BROWSER_ACTION_TIMEOUT_MS);
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('dialog', (d) => void d.accept());
  await page.goto('/admin/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/admin/login'));
  return { page, consoleErrors, email };
}

/** Saves a full-page screenshot as test-output/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Polls `fn` until it gives something truthy (a failed probe counts as not yet), or fails naming `what`. */
export async function until<T>(
  fn: () => Promise<T | null | undefined | false>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Replaces the CodeMirror document as a person would: select all, then type (paste) the new text. */
export async function replaceEditorText(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'MJML' }).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

/**
 * The console errors other than Chromium's note of a page answered with one of `statuses` ("Failed to load
 * resource: the server responded with a status of 400 (Bad Request)"): a refused form is shown again with its
 * 4xx on purpose.
 */
export function unexpectedConsoleErrors(errors: string[], ...statuses: number[]): string[] {
  return errors.filter(
    (e) => !statuses.some((s) => e.startsWith(`Failed to load resource: the server responded with a status of ${s} `)),
  );
}
