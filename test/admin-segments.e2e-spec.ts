import { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { Segment } from '../src/segments/segment.entity';
import { seriousViolations } from './support/axe';
import { signedInPage, startAppAndBrowser, stopAppAndBrowser, unexpectedConsoleErrors, until } from './support/browser';
import { makeEngagement, makeList, makeSubscriber, uniqueTag } from './support/factories';
import { TestApp } from './support/test-app';

describe('admin: the segment builder (Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    ({ t, browser } = await startAppAndBrowser());
  });
  afterAll(async () => {
    await stopAppAndBrowser(t, browser);
  });

  it('builds rules with controls that fit each field, counts the matching people live, lists them, and saves', async () => {
    const tag = uniqueTag();
    const list = await makeList(t, { name: `Readers ${tag}` });
    const pro = await makeSubscriber(t, {
      email: `pro-${tag}@example.com`,
      attributes: { plan: 'pro', tag },
      lists: { [list.id]: 'confirmed' },
    });
    await makeSubscriber(t, {
      email: `free-${tag}@example.com`,
      attributes: { plan: 'free', tag },
      lists: { [list.id]: 'confirmed' },
    });
    await makeSubscriber(t, { email: `elsewhere-${tag}@example.com`, attributes: { plan: 'pro', tag } });
    await makeEngagement(t, pro, { type: 'opened', at: new Date() });

    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto('/admin/segments');
    await page.getByRole('link', { name: 'New segment' }).click();
    await page.getByLabel('Name').fill(`Engaged pros ${tag}`);
    const count = page.locator('[data-segment-count]');

    // Rule 1: an email that contains the tag (everyone of this test).
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByLabel('Rule 1: value').fill(tag);
    await until(async () => (await count.textContent())?.trim() === '3', 'a count of 3');
    await expect(page.locator('[data-segment-people] tr').count()).resolves.toBe(3);

    // Rule 2: an attribute: a name box appears; the value box follows the condition.
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByLabel('Rule 2: field').selectOption('attribute');
    await page.getByLabel('Rule 2: attribute name').fill('plan');
    await page.getByLabel('Rule 2: condition').selectOption('eq');
    await page.getByLabel('Rule 2: value').fill('pro');
    await until(async () => (await count.textContent())?.trim() === '2', 'a count of 2');

    // Rule 3: a list: a list picker and a status picker instead of a text box.
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByLabel('Rule 3: field').selectOption('list');
    await expect(page.getByLabel('Rule 3: value').count()).resolves.toBe(0);
    await page.getByLabel('Rule 3: list').selectOption(list.id);
    await page.getByLabel('Rule 3: membership status').selectOption('confirmed');
    await until(async () => (await count.textContent())?.trim() === '1', 'a count of 1');
    await expect(page.locator('[data-segment-people]').textContent()).resolves.toContain(pro.email);

    // Rule 4: opened in the last N days takes a number of days; "never" takes nothing.
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByLabel('Rule 4: field').selectOption('opened');
    await expect(page.getByLabel('Rule 4: days').inputValue()).resolves.toBe('30');
    await page.getByLabel('Rule 4: condition').selectOption('never');
    await expect(page.getByLabel('Rule 4: days').count()).resolves.toBe(0);
    await until(async () => (await count.textContent())?.trim() === '0', 'a count of 0');
    await page.getByRole('button', { name: 'Remove rule 4' }).click();
    await until(async () => (await count.textContent())?.trim() === '1', 'a count of 1 again');

    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.waitForURL(/\/admin\/segments\/[0-9a-f-]{36}$/);
    const saved = await t.app
      .get(DataSource)
      .getRepository(Segment)
      .findOneByOrFail({ name: `Engaged pros ${tag}` });
    expect(saved.match).toBe('all');
    expect(saved.rules).toEqual([
      { field: 'email', op: 'contains', value: tag },
      { field: 'attributes.plan', op: 'eq', value: 'pro' },
      { field: 'list', op: 'member', value: { listId: list.id, status: 'confirmed' } },
    ]);
    // The saved segment's page shows its rules again and the same count.
    await until(async () => (await count.textContent())?.trim() === '1', 'the saved count');
    await expect(page.getByLabel('Rule 2: attribute name').inputValue()).resolves.toBe('plan');
    expect(await seriousViolations(page)).toEqual([]);
    expect(unexpectedConsoleErrors(consoleErrors)).toEqual([]);
  });
});
