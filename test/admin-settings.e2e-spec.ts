import { CampaignsService } from '../src/campaigns/campaigns.service';
import { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { ApiKey } from '../src/auth/api-key.entity';
import { BuiltInTemplates } from '../src/templates/built-in-templates';
import { SettingsService } from '../src/settings/settings.service';
import { User } from '../src/users/user.entity';
import { UsersService } from '../src/users/users.service';
import { launchBrowser, screenshot, signedInPage, unexpectedConsoleErrors, stopAppAndBrowser } from './support/browser';
import { sendCampaign } from './support/campaign-mail';
import { makeList, makeSubscriber, uniqueTag } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

/** A template without {{unsubscribeUrl}}: the service adds the footer with the company's postal address. */
const MJML =
  '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{subscriber.name}}</mj-text></mj-column></mj-section></mj-body></mjml>';

describe('admin UI: settings', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let browser: Browser;
  let db: DataSource;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({
      SMTP_URL: sink.url,
      MAIL_FROM: 'Shop <news@shop.example>',
      COMPANY_ADDRESS: 'Old Address Ltd, 1 Old Road',
    });
    db = t.app.get(DataSource);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await stopAppAndBrowser(t, browser);
    await sink?.stop();
  });

  const roleOf = async (email: string) => (await db.getRepository(User).findOneBy({ email }))?.role;
  /** The session's CSRF token, as the page's forms carry it. */
  const csrfOf = (page: Page) => page.locator('meta[name="csrf-token"]').getAttribute('content');

  it('creates a user with a role, shows a refused form with its errors, and changes the role', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'admin');
    await page.goto('/admin/settings');
    await expect(page.getByRole('heading', { name: 'Users and roles' }).isVisible()).resolves.toBe(true);
    const email = `new-editor-${uniqueTag()}@example.com`;

    // Too short a password: the page comes back with the address kept and the error beside the field.
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Role', { exact: true }).selectOption('editor');
    await page.getByRole('button', { name: 'Add user' }).click();
    await expect(page.locator('#user-password-error').textContent()).resolves.toMatch(
      /^The password is too short: at least 10 characters$/,
    );
    await expect(page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByLabel('Email', { exact: true }).inputValue()).resolves.toBe(email);
    expect(await roleOf(email)).toBeUndefined();

    await page.getByLabel('Password', { exact: true }).fill('a long enough password');
    await page.getByRole('button', { name: 'Add user' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain(
      `${email} can now sign in as editor`,
    );
    expect(await roleOf(email)).toBe('editor');
    await expect(page.getByLabel(`Role of ${email}`, { exact: true }).inputValue()).resolves.toBe('editor');

    await page.getByLabel(`Role of ${email}`, { exact: true }).selectOption('viewer');
    await page.getByRole('button', { name: `Change role of ${email}` }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain(`${email} is now viewer`);
    expect(await roleOf(email)).toBe('viewer');
    await expect(page.getByLabel(`Role of ${email}`, { exact: true }).inputValue()).resolves.toBe('viewer');

    // A second user with the same address is refused on the form.
    await page.getByLabel('Email', { exact: true }).fill(email.toUpperCase());
    await page.getByLabel('Password', { exact: true }).fill('a long enough password');
    await page.getByRole('button', { name: 'Add user' }).click();
    await expect(page.locator('#user-email-error').textContent()).resolves.toContain('already exists');

    await page.goto('/admin/settings');
    await page.getByRole('button', { name: `Delete ${email}` }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain(`${email} was deleted`);
    expect(await roleOf(email)).toBeUndefined();
    expect(unexpectedConsoleErrors(consoleErrors, 400, 409)).toEqual([]);
  });

  it('refuses to delete or demote the last admin, and says why', async () => {
    const { page, consoleErrors, email } = await signedInPage(browser, t, 'admin');
    // Leave this admin the only one.
    const users = t.app.get(UsersService);
    for (const u of await users.list())
      if (u.role === 'admin' && u.email !== email) await users.update(u.id, { role: 'editor' });

    await page.goto('/admin/settings');
    await page.getByRole('button', { name: `Delete ${email}` }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'The last admin cannot be removed or demoted',
    );
    expect(await roleOf(email)).toBe('admin');

    await page.getByLabel(`Role of ${email}`, { exact: true }).selectOption('editor');
    await page.getByRole('button', { name: `Change role of ${email}` }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'The last admin cannot be removed or demoted',
    );
    expect(await roleOf(email)).toBe('admin');
    // Still signed in, still an admin.
    await page.goto('/admin/settings');
    await expect(page.getByRole('heading', { name: 'Settings', level: 1 }).isVisible()).resolves.toBe(true);
    expect(unexpectedConsoleErrors(consoleErrors, 409)).toEqual([]);
  });

  it('creates an API key shown once, which works against the API until it is revoked', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'admin');
    await page.goto('/admin/settings');
    const name = `Order system ${uniqueTag()}`;

    // No scope chosen: refused beside the field.
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect(page.locator('#key-scopes-error').textContent()).resolves.toBe('Choose at least one scope');
    await expect(page.getByLabel('Name', { exact: true }).inputValue()).resolves.toBe(name);

    await page.getByLabel(/transactional:send/).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect(page.getByRole('heading', { name: 'API key created' }).isVisible()).resolves.toBe(true);
    await expect(page.getByText('It is shown only this once').isVisible()).resolves.toBe(true);
    const key = await page.getByLabel('API key').inputValue();
    expect(key).toMatch(/^mk_[A-Za-z0-9_-]{40,}$/);
    await expect(page.getByRole('button', { name: 'Copy key' }).isVisible()).resolves.toBe(true);
    await screenshot(page, 'settings-api-key');

    // The list shows the name and the key's first characters, never the key.
    await page.getByRole('link', { name: 'Done' }).click();
    await page.waitForURL('**/admin/settings#api-keys');
    const row = page.getByRole('row').filter({ hasText: name });
    await expect(row.textContent()).resolves.toContain(key.slice(0, 10));
    expect(await page.content()).not.toContain(key);
    expect((await db.getRepository(ApiKey).findOneBy({ name }))?.scopes).toEqual(['transactional:send']);

    const sample = t.app.get(BuiltInTemplates).get('order-placed')!.sample as { order: Record<string, unknown> };
    const orderEvent = () =>
      t
        .http()
        .post('/api/orders/events')
        .set('Authorization', `Bearer ${key}`)
        .send({
          orderId: `K-${uniqueTag()}`,
          status: 'placed',
          customer: { email: `k-${uniqueTag()}@example.com` },
          order: sample.order,
        });
    await orderEvent().expect(202);
    // Outside its scopes the key reaches nothing.
    await t.http().get('/api/lists').set('Authorization', `Bearer ${key}`).expect(403);

    await page.getByRole('button', { name: `Revoke ${name}` }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain(`API key “${name}” revoked`);
    await expect(page.getByRole('row').filter({ hasText: name }).count()).resolves.toBe(0);
    await orderEvent().expect(401);
    expect(unexpectedConsoleErrors(consoleErrors, 400)).toEqual([]);
  });

  it('adds and removes senders (validated, no line breaks) and sets the postal address the next campaign carries', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'admin');
    await page.goto('/admin/settings');
    // Until one is added, the sender is MAIL_FROM's.
    await expect(page.locator('[data-sender="news@shop.example"]').textContent()).resolves.toContain(
      'default (MAIL_FROM)',
    );

    await page.getByLabel('Sender name').fill('Shop News');
    await page.getByLabel('Sender email').fill('not an address');
    await page.getByRole('button', { name: 'Add sender' }).click();
    await expect(page.locator('#sender-email-error').textContent()).resolves.toBe(
      '“not an address” is not an email address: write it like reader@example.com',
    );
    await expect(page.getByLabel('Sender name').inputValue()).resolves.toBe('Shop News');

    await page.getByLabel('Sender email').fill('offers@shop.example');
    await page.getByRole('button', { name: 'Add sender' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Sender offers@shop.example added');
    await page.getByLabel('Sender name').fill('Shop Service');
    await page.getByLabel('Sender email').fill('service@shop.example');
    await page.getByRole('button', { name: 'Add sender' }).click();
    await expect(t.app.get(SettingsService).senders()).resolves.toEqual([
      { name: 'Shop News', email: 'offers@shop.example' },
      { name: 'Shop Service', email: 'service@shop.example' },
    ]);

    // A line break (a header injection) never gets in, whatever a form sends.
    const csrf = await csrfOf(page);
    const injected = await page.request.post('/admin/settings/senders', {
      form: { _csrf: csrf!, name: 'Evil\r\nBcc: victim@example.com', email: 'evil@shop.example' },
      maxRedirects: 0,
    });
    expect(injected.status()).toBe(400);
    expect(await injected.text()).toContain('name must not contain line breaks or control characters');

    await page.goto('/admin/settings');
    await page.getByRole('button', { name: 'Remove sender service@shop.example' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain(
      'Sender service@shop.example removed',
    );
    await expect(t.app.get(SettingsService).senders()).resolves.toEqual([
      { name: 'Shop News', email: 'offers@shop.example' },
    ]);

    // The postal address: empty is refused beside the field, a new one is saved.
    await expect(page.getByLabel('Postal address', { exact: true }).inputValue()).resolves.toBe(
      'Old Address Ltd, 1 Old Road',
    );
    await page.getByLabel('Postal address', { exact: true }).fill('   ');
    await page.getByRole('button', { name: 'Save address' }).click();
    await expect(page.locator('#company-error').textContent()).resolves.toContain('must not be empty');
    const address = `New Shop GmbH ${uniqueTag()}, Hauptstraße 5, 10115 Berlin`;
    await page.getByLabel('Postal address', { exact: true }).fill(address);
    await page.getByRole('button', { name: 'Save address' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Postal address saved');
    await expect(page.getByLabel('Postal address', { exact: true }).inputValue()).resolves.toBe(address);
    await page.goto('/admin/settings'); // from the top (the save scrolled to its section)
    await screenshot(page, 'settings');
    expect(unexpectedConsoleErrors(consoleErrors, 400)).toEqual([]);

    // The next campaign's footer carries the new address, not the configured one.
    const list = await makeList(t);
    const reader = await makeSubscriber(t, { name: 'Reader', lists: { [list.id]: 'confirmed' } });
    const editor = await t.tokenFor('editor');
    const sent = await sendCampaign(t, sink, editor, { mjml: MJML, listIds: [list.id] }, 1);
    const mail = sent.mails.get(reader.email)!;
    expect(mail.parsed.html).toContain(address);
    expect(mail.parsed.html).not.toContain('Old Address Ltd');
    expect(mail.parsed.text).toContain(address);
    // So do the campaign preview and the mail that brings a preference-centre link.
    await expect(t.app.get(CampaignsService).preview(sent.id)).resolves.toMatchObject({
      html: expect.stringContaining(address),
    });
    await t.http().post('/api/public/preferences-link').send({ email: reader.email }).expect(202);
    const [link] = await sink.waitFor((m) => m.to.includes(reader.email) && !m.headers.has('feedback-id'), 1);
    expect(link.parsed.html).toContain(address);
  });

  it('is for admins only: an editor sees no Settings link and gets 403', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto('/admin');
    await expect(
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Message log' }).isVisible(),
    ).resolves.toBe(true);
    await expect(page.getByRole('link', { name: 'Settings' }).count()).resolves.toBe(0);

    const res = await page.goto('/admin/settings');
    expect(res?.status()).toBe(403);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('This needs the admin role');
    const csrf = await csrfOf(page);
    for (const path of [
      '/admin/settings/users',
      '/admin/settings/api-keys',
      '/admin/settings/senders',
      '/admin/settings/company',
    ]) {
      const post = await page.request.post(path, {
        form: {
          _csrf: csrf!,
          name: 'x',
          email: 'x@example.com',
          companyAddress: 'x',
          password: 'long enough password',
          role: 'admin',
          scopes: 'events:ingest',
        },
        maxRedirects: 0,
      });
      expect(post.status()).toBe(403);
    }
    expect(await db.getRepository(User).countBy({ email: 'x@example.com' })).toBe(0);
    expect(unexpectedConsoleErrors(consoleErrors, 403)).toEqual([]);
  });
});
