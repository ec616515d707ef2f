import { Browser } from 'playwright-core';
import { AxeViolation, seriousViolations } from './support/axe';
import { launchBrowser, signedInPage, stopAppAndBrowser, until } from './support/browser';
import { makeList, makeSubscriber, uniqueTag } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

/**
 * Issue 15 asks for axe on every admin page. The feature specs run it on the pages they drive; this one visits the
 * pages none of them checks (sign-in, subscribers, a list, imports, the message log and one message in it, a
 * built-in template, the campaign steps between content and review, the profile). The code editor is left out, as in the other specs.
 */
describe('admin UI: axe on the pages the feature specs do not check', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await stopAppAndBrowser(t, browser);
    await sink?.stop();
  });

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
    // a message in the log, sent (its page lists the attempts and events): a test send of the campaign
    const tester = `qa-${tag}@example.com`;
    await t
      .http()
      .post(`/api/campaigns/${campaign.body.id}/test`)
      .set('Authorization', `Bearer ${token}`)
      .send({ emails: [tester] })
      .expect(202);
    const message = await until(async () => {
      const res = await t
        .http()
        .get('/api/messages')
        .query({ search: tester })
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      const [found] = res.body.items as Array<{ id: string; status: string }>;
      return found?.status === 'sent' ? found : null;
    }, 'the test mail sent');
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
      `/admin/messages/${message.id}`,
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
