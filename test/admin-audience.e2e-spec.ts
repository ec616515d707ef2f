import { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { MailingList } from '../src/lists/list.entity';
import { emailKeyOf, Subscriber } from '../src/subscribers/subscriber.entity';
import { Subscription } from '../src/subscribers/subscription.entity';
import {
  screenshot,
  signedInPage,
  unexpectedConsoleErrors,
  startAppAndBrowser,
  stopAppAndBrowser,
} from './support/browser';
import { makeList, makeSubscriber, membershipsOf, uniqueTag } from './support/factories';
import { TestApp } from './support/test-app';

describe('admin UI: lists, subscribers, imports and exports', () => {
  let t: TestApp;
  let browser: Browser;
  const subscriberOf = (email: string) =>
    t.app
      .get(DataSource)
      .getRepository(Subscriber)
      .findOneBy({ emailKey: emailKeyOf(email) });
  /** The messages of the confirm dialogs a page shows from now on (signedInPage accepts them). */
  const dialogsOf = (page: Page): string[] => {
    const seen: string[] = [];
    page.on('dialog', (d) => seen.push(d.message()));
    return seen;
  };

  beforeAll(async () => ({ t, browser } = await startAppAndBrowser()));
  afterAll(() => stopAppAndBrowser(t, browser));

  it('creates a list (an empty name shown beside the field), edits it and deletes it after confirming', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    const dialogs = dialogsOf(page);
    await page.goto('/admin/lists');
    await expect(page.getByText('No lists yet').isVisible()).resolves.toBe(true);

    await page.getByRole('link', { name: 'New list' }).click();
    await page.getByRole('button', { name: 'Create list' }).click();
    const name = page.getByLabel('Name');
    await expect(page.locator('#name-error').textContent()).resolves.toBe('The name is empty: fill it in');
    await expect(name.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(name.getAttribute('aria-describedby')).resolves.toBe('name-error');

    const tag = uniqueTag();
    await name.fill(`Newsletter ${tag}`);
    await page.getByLabel('Description').fill('Monthly news');
    await page.getByRole('radio', { name: /^Double/ }).check();
    await expect(page.getByRole('radio', { name: /^Public/ }).isChecked()).resolves.toBe(true); // the default
    await page.getByRole('radio', { name: /^Private/ }).check();
    await page.getByRole('button', { name: 'Create list' }).click();
    await page.waitForURL('**/admin/lists');
    await expect(page.getByRole('status').textContent()).resolves.toContain(`List “Newsletter ${tag}” created`);
    const row = page.getByRole('row', { name: new RegExp(`Newsletter ${tag}`) });
    await expect(row.getByText('Double').isVisible()).resolves.toBe(true);
    await expect(row.getByText('Private').isVisible()).resolves.toBe(true);
    const stored = await t.app
      .get(DataSource)
      .getRepository(MailingList)
      .findOneByOrFail({ name: `Newsletter ${tag}` });
    expect(stored).toMatchObject({ description: 'Monthly news', optIn: 'double', visibility: 'private' });

    await page.getByRole('link', { name: `Edit Newsletter ${tag}` }).click();
    await page.getByLabel('Name').fill(`Weekly ${tag}`);
    await page.getByRole('radio', { name: /^Single/ }).check();
    await expect(page.getByRole('radio', { name: /^Private/ }).isChecked()).resolves.toBe(true);
    await page.getByRole('radio', { name: /^Public/ }).check();
    await page.getByRole('button', { name: 'Save list' }).click();
    await page.waitForURL('**/admin/lists');
    await expect(page.getByRole('status').textContent()).resolves.toContain(`List “Weekly ${tag}” saved`);
    await expect(
      t.app.get(DataSource).getRepository(MailingList).findOneByOrFail({ id: stored.id }),
    ).resolves.toMatchObject({
      name: `Weekly ${tag}`,
      optIn: 'single',
      visibility: 'public',
    });
    const customers = await makeList(t, {
      name: `Customers ${tag}`,
      description: 'Everyone who ordered',
      optIn: 'double',
    });
    for (const status of ['confirmed', 'confirmed', 'unconfirmed'] as const)
      await makeSubscriber(t, { lists: { [customers.id]: status } });
    await page.reload();
    await screenshot(page, 'lists');

    await page.getByRole('button', { name: `Delete Weekly ${tag}` }).click();
    await page.waitForURL('**/admin/lists');
    await expect(page.getByRole('status').textContent()).resolves.toContain(`List “Weekly ${tag}” deleted`);
    expect(dialogs).toEqual([expect.stringContaining(`Delete the list “Weekly ${tag}”?`)]);
    await expect(t.app.get(DataSource).getRepository(MailingList).findOneBy({ id: stored.id })).resolves.toBeNull();
    await expect(page.getByRole('row', { name: new RegExp(`Weekly ${tag}`) }).count()).resolves.toBe(0);
    expect(unexpectedConsoleErrors(consoleErrors, 400)).toEqual([]);
  });

  it('adds a subscriber, shows a duplicate address beside the field, searches, filters, blocklists and deletes', async () => {
    const tag = uniqueTag();
    const news = await makeList(t, { name: `News ${tag}` });
    const vip = await makeList(t, { name: `VIP ${tag}`, optIn: 'double' });
    await makeSubscriber(t, { email: `dup-${tag}@example.com` });
    const onVip = await makeSubscriber(t, {
      email: `vip-${tag}@example.com`,
      name: 'Very Important',
      lists: { [vip.id]: 'confirmed' },
    });
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    const dialogs = dialogsOf(page);

    await page.goto('/admin/subscribers');
    await page.getByRole('link', { name: 'Add subscriber' }).click();
    await page.getByLabel('Email').fill(`ada-${tag}@example.com`);
    await page.getByLabel('Name').fill('Ada Lovelace');
    await page.getByLabel('Attributes').fill('{"city": "Lyon"');
    await page.getByRole('checkbox', { name: `News ${tag}` }).check();
    await page.getByRole('button', { name: 'Add subscriber' }).click();
    await expect(page.locator('#attributes-error').textContent()).resolves.toMatch(/^attributes must be valid JSON/);
    await expect(page.getByLabel('Email').inputValue()).resolves.toBe(`ada-${tag}@example.com`);
    await expect(page.getByRole('checkbox', { name: `News ${tag}` }).isChecked()).resolves.toBe(true);

    await page.getByLabel('Attributes').fill('{"city": "Lyon", "plan": "pro"}');
    await page.getByRole('button', { name: 'Add subscriber' }).click();
    await page.waitForURL(/\/admin\/subscribers\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('status').first().textContent()).resolves.toContain(
      `Subscriber ada-${tag}@example.com added`,
    );
    const ada = (await subscriberOf(`ada-${tag}@example.com`))!;
    expect(ada).toMatchObject({ name: 'Ada Lovelace', attributes: { city: 'Lyon', plan: 'pro' }, status: 'enabled' });
    await expect(membershipsOf(t, ada.id)).resolves.toEqual([{ listId: news.id, status: 'confirmed' }]);
    await expect(page.getByRole('row', { name: `News ${tag} confirmed` }).isVisible()).resolves.toBe(true);

    // The same address in another case: 409, shown beside the email field with the input kept.
    await page.goto('/admin/subscribers/new');
    await page.getByLabel('Email').fill(`DUP-${tag}@Example.com`);
    await page.getByLabel('Name').fill('Second Try');
    const res = page.waitForResponse((r) => r.url().endsWith('/admin/subscribers') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Add subscriber' }).click();
    expect((await res).status()).toBe(409);
    await expect(page.locator('#email-error').textContent()).resolves.toContain(
      `A subscriber with email DUP-${tag}@Example.com already exists`,
    );
    await expect(page.getByLabel('Email').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByLabel('Name').inputValue()).resolves.toBe('Second Try');

    // Search by part of the address, then filter by list (the select applies itself).
    await page.goto('/admin/subscribers');
    await page.getByLabel('Search').fill(`ADA-${tag}`);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/search=/);
    const emails = () => page.locator('tbody tr td:first-child').allTextContents();
    await expect(emails()).resolves.toEqual([`ada-${tag}@example.com`]);
    await page.getByLabel('Search').fill('');
    await page.getByLabel('List').selectOption({ label: `VIP ${tag}` });
    await page.waitForURL(new RegExp(`listId=${vip.id}`));
    await expect(emails()).resolves.toEqual([onVip.email]);
    await page.getByRole('link', { name: 'Clear' }).click();
    await page.waitForURL(/\/admin\/subscribers$/);
    await screenshot(page, 'subscribers');

    // Blocklist from the edit page, after confirming; the status filter finds them.
    await page.getByRole('link', { name: `ada-${tag}@example.com` }).click();
    await page.getByRole('button', { name: 'Blocklist' }).click();
    await expect(page.getByRole('button', { name: 'Unblock' }).isVisible()).resolves.toBe(true);
    expect((await subscriberOf(ada.email))!.status).toBe('blocklisted');
    await screenshot(page, 'subscriber-edit');
    await page.goto(`/admin/subscribers?status=blocklisted&search=${tag}`);
    await expect(emails()).resolves.toEqual([`ada-${tag}@example.com`]);
    await page.goto(`/admin/subscribers?status=enabled&search=${tag}`);
    await expect(emails()).resolves.not.toContain(`ada-${tag}@example.com`);

    await page.goto(`/admin/subscribers/${ada.id}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/\/admin\/subscribers$/);
    await expect(page.getByRole('status').textContent()).resolves.toContain(
      `Subscriber ada-${tag}@example.com deleted`,
    );
    expect(dialogs).toEqual([
      expect.stringContaining(`Blocklist ada-${tag}@example.com?`),
      expect.stringContaining(`Delete ada-${tag}@example.com`),
    ]);
    await expect(subscriberOf(ada.email)).resolves.toBeNull();
    expect(unexpectedConsoleErrors(consoleErrors, 400, 409)).toEqual([]);
  });

  it('edits a subscriber: lists changed, an unsubscribed membership kept, an address taken refused beside the field', async () => {
    const tag = uniqueTag();
    const a = await makeList(t, { name: `A ${tag}` });
    const b = await makeList(t, { name: `B ${tag}` });
    const left = await makeList(t, { name: `Left ${tag}` });
    await makeSubscriber(t, { email: `taken-${tag}@example.com` });
    const s = await makeSubscriber(t, {
      email: `edit-${tag}@example.com`,
      lists: { [a.id]: 'confirmed', [left.id]: 'unsubscribed' },
    });
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');

    await page.goto(`/admin/subscribers/${s.id}`);
    await expect(page.getByRole('checkbox', { name: new RegExp(`Left ${tag}`) }).isDisabled()).resolves.toBe(true);
    await page.getByLabel('Email').fill(`taken-${tag}@example.com`);
    await page.getByRole('button', { name: 'Save subscriber' }).click();
    await expect(page.locator('#email-error').textContent()).resolves.toContain('already exists');

    await page.getByLabel('Email').fill(`edited-${tag}@example.com`);
    await page.getByRole('checkbox', { name: `A ${tag}` }).uncheck();
    await page.getByRole('checkbox', { name: `B ${tag}` }).check();
    await page.getByRole('button', { name: 'Save subscriber' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain(
      `Subscriber edited-${tag}@example.com saved`,
    );
    const memberships = await membershipsOf(t, s.id);
    expect(memberships).toHaveLength(2);
    expect(memberships).toEqual(
      expect.arrayContaining([
        { listId: b.id, status: 'confirmed' },
        { listId: left.id, status: 'unsubscribed' },
      ]),
    );
    expect(unexpectedConsoleErrors(consoleErrors, 409)).toEqual([]);
  });

  it('imports a CSV with good and bad rows: the progress reaches done and the rejected rows are listed', async () => {
    const tag = uniqueTag();
    const list = await makeList(t, { name: `Imported ${tag}` });
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');

    await page.goto('/admin/imports/new');
    await page.getByRole('button', { name: 'Start import' }).click();
    await expect(page.locator('#file-error').textContent()).resolves.toBe('Choose a CSV file to import');

    const rows = [
      'email,name,city',
      `one-${tag}@example.com,One,Paris`,
      'not-an-address,Bad,Nowhere',
      `two-${tag}@example.com,Two,Rome`,
    ];
    for (let i = 0; i < 40; i++) rows.push(`bulk-${i}-${tag}@example.com,Bulk ${i},Oslo`);
    rows.push(`one-${tag}@example.com,Again,Paris`);
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: `people-${tag}.csv`, mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    await page.getByRole('checkbox', { name: `Imported ${tag}` }).check();
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.waitForURL(/\/admin\/imports\/[0-9a-f-]{36}$/);
    const importId = new URL(page.url()).pathname.split('/').pop()!;

    const progress = await page.request.get(`/admin/imports/${importId}/progress.json`);
    expect(Object.keys(await progress.json()).sort()).toEqual([
      'done',
      'imported',
      'percent',
      'skipped',
      'status',
      'total',
      'updated',
    ]);
    // The page polls, then reloads itself once the import is done to show the rejected rows.
    await page.getByRole('heading', { name: 'Rejected rows' }).waitFor({ timeout: 30_000 });
    await expect(
      page.getByRole('progressbar', { name: 'Import progress' }).getAttribute('aria-valuenow'),
    ).resolves.toBe('100');
    await expect(page.locator('[data-field="status"]').textContent()).resolves.toBe('done');
    const rejected = await page
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent).join(' ')));
    expect(rejected).toEqual([
      '3 "not-an-address" is not a valid email address',
      `45 one-${tag}@example.com is already in row 2`,
    ]);
    await expect(page.locator('[data-field="imported"]').textContent()).resolves.toBe('42');
    await expect((await page.request.get(`/admin/imports/${importId}/progress.json`)).json()).resolves.toEqual({
      status: 'done',
      total: 44,
      imported: 42,
      updated: 0,
      skipped: 2,
      percent: 100,
      done: true,
    });
    const two = await subscriberOf(`two-${tag}@example.com`);
    expect(two).toMatchObject({ name: 'Two', attributes: { city: 'Rome' } });
    await expect(membershipsOf(t, two!.id)).resolves.toEqual([{ listId: list.id, status: 'confirmed' }]);
    await screenshot(page, 'import-progress');

    await page.goto('/admin/imports');
    await expect(page.getByRole('link', { name: `people-${tag}.csv` }).isVisible()).resolves.toBe(true);
    expect(unexpectedConsoleErrors(consoleErrors, 400)).toEqual([]);
  });

  it('exports a list as CSV, page by page, escaped and guarded against formulas', async () => {
    const tag = uniqueTag();
    const list = await makeList(t, { name: `Export ${tag}` });
    const other = await makeList(t);
    await makeSubscriber(t, {
      email: `formula-${tag}@example.com`,
      name: '=HYPERLINK("http://evil.example","click")',
      attributes: { city: 'Lyon, FR', note: '+1 555', vip: true },
      lists: { [list.id]: 'confirmed' },
    });
    await makeSubscriber(t, {
      email: `left-${tag}@example.com`,
      name: 'Left "Quote"',
      attributes: { city: '@home' },
      lists: { [list.id]: 'unsubscribed' },
    });
    await makeSubscriber(t, { email: `elsewhere-${tag}@example.com`, lists: { [other.id]: 'confirmed' } });
    // Enough members for several pages of the export.
    const ds = t.app.get(DataSource);
    const bulk = Array.from({ length: 2150 }, (_, i) => {
      const email = `bulk-${String(i).padStart(4, '0')}-${tag}@example.com`;
      return { email, emailKey: email, name: '', attributes: {}, status: 'enabled' as const };
    });
    for (let i = 0; i < bulk.length; i += 200) {
      const ids = (await ds.getRepository(Subscriber).insert(bulk.slice(i, i + 200))).identifiers.map(
        (x) => x.id as string,
      );
      await ds
        .getRepository(Subscription)
        .insert(ids.map((subscriberId) => ({ subscriberId, listId: list.id, status: 'confirmed' as const })));
    }

    const { page, consoleErrors } = await signedInPage(browser, t, 'viewer');
    const res = await page.request.get(`/admin/lists/${list.id}/export.csv`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers()['content-disposition']).toMatch(
      new RegExp(`^attachment; filename="Export-${tag}-\\d{4}-\\d{2}-\\d{2}\\.csv"`),
    );
    const lines = (await res.text()).split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe('email,name,status,subscribed_at,city,note,vip');
    expect(lines).toHaveLength(1 + 2 + 2150);
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines.find((l) => l.startsWith(`formula-${tag}`))).toMatch(
      new RegExp(
        `^formula-${tag}@example\\.com,"'=HYPERLINK\\(""http://evil\\.example"",""click""\\)",confirmed,\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z,"Lyon, FR",'\\+1 555,true$`,
      ),
    );
    expect(lines.find((l) => l.startsWith(`left-${tag}`))).toMatch(
      /^left-\w+@example\.com,"Left ""Quote""",unsubscribed,[^,]+,'@home,,$/,
    );
    expect(lines.some((l) => l.startsWith(`elsewhere-${tag}`))).toBe(false);
    expect(lines.filter((l) => l.startsWith('bulk-'))).toHaveLength(2150);

    // The link on the lists page downloads the same file.
    await page.goto('/admin/lists');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page
        .getByRole('row', { name: new RegExp(`Export ${tag}`) })
        .getByRole('link', { name: `Export CSV of Export ${tag}` })
        .click(),
    ]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^Export ${tag}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    expect(consoleErrors).toEqual([]);
  });

  it('lets a viewer see lists and subscribers without change buttons, and refuses their changes (403)', async () => {
    const tag = uniqueTag();
    const list = await makeList(t, { name: `Viewed ${tag}` });
    const s = await makeSubscriber(t, { email: `viewed-${tag}@example.com`, lists: { [list.id]: 'confirmed' } });
    // A tablet, upright: the layout collapses and nothing scrolls sideways.
    const { page, consoleErrors } = await signedInPage(browser, t, 'viewer', { width: 820, height: 1180 });

    await page.goto('/admin/lists');
    await expect(
      page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth),
    ).resolves.toBe(true);
    await screenshot(page, 'lists-tablet');
    await expect(page.getByRole('link', { name: `Viewed ${tag}`, exact: true }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('link', { name: 'New list' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: `Delete Viewed ${tag}` }).count()).resolves.toBe(0);
    await page.goto(`/admin/subscribers/${s.id}`);
    await expect(page.getByLabel('Email').isDisabled()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: /Save|Delete|Blocklist/ }).count()).resolves.toBe(0);

    const csrf = (await page.locator('meta[name="csrf-token"]').getAttribute('content'))!;
    const create = await page.request.post('/admin/lists', {
      form: { _csrf: csrf, name: `Sneaky ${tag}`, optIn: 'single' },
    });
    expect(create.status()).toBe(403);
    const remove = await page.request.post(`/admin/subscribers/${s.id}/delete`, { form: { _csrf: csrf } });
    expect(remove.status()).toBe(403);
    await expect(
      t.app
        .get(DataSource)
        .getRepository(MailingList)
        .findOneBy({ name: `Sneaky ${tag}` }),
    ).resolves.toBeNull();
    await expect(subscriberOf(s.email)).resolves.not.toBeNull();
    expect(consoleErrors).toEqual([]);
  });
});
