import { Browser } from 'playwright-core';
import { AxeViolation, seriousViolations } from './support/axe';
import { launchBrowser, signedInPage, stopAppAndBrowser } from './support/browser';
import { makeList, makeSubscriber, uniqueTag } from './support/factories';
import { createTestApp, TestApp } from './support/test-app';

/**
 * Issue 15 asks for axe on every admin page. The feature specs run it on the pages they drive; this one visits the
 * pages none of them checks (sign-in, subscribers, a list, imports, the message log, a built-in template, the
 * campaign steps between content and review, the profile). The code editor is left out, as in the other specs.
 */
describe('admin UI: axe on the pages the feature specs do not check', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await createTestApp();
    browser = await launchBrowser();
  });
  afterAll(() => stopAppAndBrowser(t, browser));

  it('finds no serious or critical violation on any of them', async () => {
    const tag = uniqueTag();
    const list = await makeList(t, { name: `Sweep ${tag}` });
    const person = await makeSubscriber(t, { name: 'Ada', lists: { [list.id]: 'confirmed' } });
    const token = await t.tokenFor('editor');
    const campaign = await t
      .http()
      .post('/api/campaigns')
      .set('Authorization', `Bearer ${token}`)
      .send({
        name: `Sweep ${tag}`,
        subject: 'Hello',
        mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>',
        listIds: [list.id],
      })
      .expect(201);
    const { page } = await signedInPage(browser, t, 'admin');
    const login = await (await browser.newContext({ baseURL: t.baseUrl })).newPage();
    await login.goto('/admin/login');
    const found: Record<string, AxeViolation[]> = { '/admin/login': await seriousViolations(login) };
    const pages = [
      '/admin',
      '/admin/subscribers',
      '/admin/subscribers/new',
      `/admin/subscribers/${person.id}`,
      `/admin/lists/${list.id}`,
      '/admin/imports',
      '/admin/messages',
      '/admin/templates/built-in/newsletter',
      `/admin/campaigns/${campaign.body.id}/audience`,
      `/admin/campaigns/${campaign.body.id}/settings`,
      '/admin/profile',
    ];
    for (const path of pages) {
      const res = await page.goto(path);
      expect([path, res?.status()]).toEqual([path, 200]);
      found[path] = await seriousViolations(page, ['.cm-editor']);
    }
    expect(Object.entries(found).filter(([, v]) => v.length)).toEqual([]);
  });
});
