import { Browser } from 'playwright-core';
import { AbTestSweeper } from '../src/campaigns/ab-test-sweeper';
import { CampaignRepository } from '../src/campaigns/campaign.repository';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import { TemplatesService } from '../src/templates/templates.service';
import { seriousViolations } from './support/axe';
import { launchBrowser, screenshot, signedInPage, stopAppAndBrowser, unexpectedConsoleErrors } from './support/browser';
import { flushTracking, linksOf, pathOf } from './support/campaign-mail';
import { makeApiKey, makeList, makeSubscriber, uniqueTag } from './support/factories';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';
import { until } from './support/until';

const MJML = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>{{campaign.name}}: <a href="{{unsubscribeUrl}}">Unsubscribe</a> · {{companyAddress}}</mj-text>
</mj-column></mj-section></mj-body></mjml>`;
const HUMAN = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko)';

describe('admin UI: A/B tests', () => {
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

  it('sets up 2 variants and the test in the wizard, and the report shows each variant and the winner (axe clean)', async () => {
    const tag = uniqueTag();
    const list = await makeList(t, { name: `Readers ${tag}` });
    for (let i = 0; i < 4; i++) await makeSubscriber(t, { lists: { [list.id]: 'confirmed' } });
    const template = await t.app
      .get(TemplatesService)
      .create({ name: `Other look ${tag}`, kind: 'campaign', subject: 'T', mjml: MJML });
    const campaigns = t.app.get(CampaignsService);
    const { id } = await campaigns.create({ name: `Test me ${tag}`, subject: 'Plain', mjml: MJML, listIds: [list.id] });

    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto(`/admin/campaigns/${id}/review`);
    await page.locator('[data-ab-summary]').getByRole('link', { name: 'set up' }).click();
    await page.waitForURL(`**/admin/campaigns/${id}/ab-test`);
    expect(await seriousViolations(page)).toEqual([]);

    // one variant only: refused, the form kept, the problem beside the variants
    await page.getByLabel('Test variants on part of the audience first').check();
    await page.getByLabel('Variant A subject').fill('Subject A');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.locator('#ab-variants-error').waitFor();
    expect(await page.locator('#ab-variants-error').textContent()).toMatch(/2 to 4/);
    expect(await page.getByLabel('Variant A subject').inputValue()).toBe('Subject A');
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel('Variant B subject').fill('Subject B');
    await page.getByLabel('Variant B content').selectOption(template.id);
    await page.getByLabel('Test share (% of the audience, 1–50)').fill('50');
    await page.getByLabel('Wait before choosing (hours)').fill('0');
    await page.getByLabel('people who clicked').check();
    await screenshot(page, 'ab-test-step');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL(`**/admin/campaigns/${id}/review`);
    expect(await page.locator('[data-ab-summary]').textContent()).toContain('2 variants to 50 % of the recipients');

    const saved = await campaigns.get(id);
    expect(saved.variants).toEqual([
      { subject: 'Subject A', templateId: null, ownContent: false },
      { subject: 'Subject B', templateId: template.id, ownContent: true },
    ]);
    expect(saved.abTest).toEqual({ share: 50, metric: 'clicks', waitHours: 0 });

    // sent, the winner chosen (a tie: nobody clicked, so A) and sent to the rest
    await campaigns.send(id, {});
    await until(async () => {
      await t.app.get(AbTestSweeper).sweep();
      return (await campaigns.get(id)).status === 'sent';
    }, 'the A/B test to be sent');
    await page.goto(`/admin/campaigns/${id}/report`);
    const report = page.locator('[data-ab-report]');
    await report.waitFor();
    expect(await report.locator('tr[data-variant]').count()).toBe(2);
    expect(await report.locator('tr[data-variant="A"]').textContent()).toContain('winner');
    expect(await report.locator('tr[data-variant="B"]').textContent()).toContain('Subject B');
    expect(await report.locator('[data-ab-outcome]').textContent()).toContain('Winner: variant A, sent to 2 more');
    await screenshot(page, 'ab-test-report');
    expect(await seriousViolations(page)).toEqual([]);
    expect(unexpectedConsoleErrors(consoleErrors, 400)).toEqual([]);
  });

  it("shows the whole test in the parent's report: opens of every variant and of the winner's send in the chart, their bounces in the tiles", async () => {
    const tag = uniqueTag();
    const list = await makeList(t, { name: `Whole test ${tag}` });
    for (let i = 0; i < 8; i++) await makeSubscriber(t, { lists: { [list.id]: 'confirmed' } });
    const campaigns = t.app.get(CampaignsService);
    const { id } = await campaigns.create({
      name: `Whole test ${tag}`,
      subject: 'Plain',
      mjml: MJML,
      listIds: [list.id],
      variants: [{ subject: 'Subject A' }, { subject: 'Subject B' }],
      abTest: { share: 50, metric: 'opens', waitHours: 0 },
    });
    await campaigns.send(id, {});
    await until(async () => {
      await t.app.get(AbTestSweeper).sweep();
      return (await campaigns.get(id)).status === 'sent';
    }, 'the A/B test to be sent');

    // Each mail by the hidden campaign that sent it (Feedback-ID starts with its id): 2 + 2 test, 4 the winner's.
    const children = await t.app.get(CampaignRepository).findChildren([id]);
    const sentBy = (kind: 'variant' | 'rest', index?: number) => {
      const ids = children
        .filter((c) => (kind === 'rest' ? c.audienceSlice?.kind === 'rest' : c.variantIndex === index))
        .filter((c) => kind === 'rest' || c.audienceSlice?.kind === 'hash')
        .map((c) => c.id);
      return (m: ReceivedMail) => (m.headers.get('feedback-id') ?? []).some((v) => ids.some((c) => v.startsWith(c)));
    };
    const [a, b, rest] = await Promise.all([
      sink.waitFor(sentBy('variant', 0), 2),
      sink.waitFor(sentBy('variant', 1), 2),
      sink.waitFor(sentBy('rest'), 4),
    ]);

    // A person opens one mail of each variant and two of the winner's send; three mails bounce, one of each type.
    for (const m of [a[0], b[0], rest[0], rest[1]])
      await t
        .http()
        .get(pathOf(linksOf(m).pixel))
        .set('User-Agent', HUMAN)
        .expect(200);
    await flushTracking(t);
    const ingest = await makeApiKey(t, ['events:ingest']);
    const bounced: Array<[ReceivedMail, string]> = [
      [b[1], 'hard'],
      [rest[2], 'soft'],
      [rest[3], 'blocked'],
    ];
    for (const [m, type] of bounced)
      await t
        .http()
        .post('/api/events/bounces')
        .set('Authorization', `Bearer ${ingest}`)
        .send({ email: m.to[0], type, messageId: m.headers.get('message-id')![0] })
        .expect(200);

    const { page, consoleErrors } = await signedInPage(browser, t, 'viewer');
    await page.goto(`/admin/campaigns/${id}/report`);
    const stat = (name: string) => page.locator(`[data-stat="${name}"] .value`).textContent();
    await expect(stat('sent')).resolves.toBe('8');
    await expect(stat('opens-unique')).resolves.toBe('4');
    await expect(stat('bounced-hard')).resolves.toBe('1');
    await expect(stat('bounced-soft')).resolves.toBe('1');
    await expect(stat('bounced-blocked')).resolves.toBe('1');
    const chart = page.getByRole('img', { name: /^Opens and clicks per/ });
    const bars = await chart.locator('rect title').allTextContents();
    const sum = (kind: string) =>
      bars.reduce((n, bar) => n + Number(new RegExp(`: (\\d+) ${kind}$`).exec(bar)?.[1] ?? 0), 0);
    expect([sum('opens'), sum('clicks')]).toEqual([4, 0]);
    expect(await page.locator('[data-ab-report] tr[data-variant]').count()).toBe(2);
    expect(await page.locator('tr[data-variant="A"]').textContent()).toContain('winner');
    await screenshot(page, 'ab-test-whole-report');

    // The numbers the page polls while sending are the whole test's too.
    const live = await page.request.get(`/admin/campaigns/${id}/report.json`);
    expect(await live.json()).toMatchObject({ sent: '8', opensUnique: '4', bouncedHard: '1', bouncedSoft: '1' });
    // and so is the stats API's hourly timeline
    const api = await t
      .http()
      .get(`/api/campaigns/${id}/stats`)
      .set('Authorization', `Bearer ${await t.tokenFor('viewer')}`)
      .expect(200);
    const timeline = api.body.timeline as Array<{ opens: number; clicks: number }>;
    expect(timeline.reduce((n, h) => n + h.opens, 0)).toBe(4);
    expect(unexpectedConsoleErrors(consoleErrors, 400)).toEqual([]);
  });
});
