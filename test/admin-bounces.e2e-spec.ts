import { Logger } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { BounceRepository, NewBounce } from '../src/bounces/bounce.repository';
import { SuppressionService, suppressionHash } from '../src/delivery/suppression.service';
import { ErasureService } from '../src/preferences/erasure.service';
import type { Subscriber } from '../src/subscribers/subscriber.repository';
import { seriousViolations } from './support/axe';
import { launchBrowser, screenshot, signedInPage, stopAppAndBrowser } from './support/browser';
import { sendCampaign, SentCampaign } from './support/campaign-mail';
import { makeApiKey, makeList, makeSubscriber, uniqueTag } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

const MJML =
  '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{subscriber.name}}</mj-text></mj-column></mj-section></mj-body></mjml>';
const CORPUS = join(__dirname, 'fixtures', 'bounces');

interface CorpusEntry {
  file: string;
  recipient?: string;
}
const manifest: CorpusEntry[] = JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8'));

/**
 * A real bounce from the corpus, made to return one of our messages: its recipient's address becomes `email` and
 * the returned message's Message-ID (the last one in the file) becomes ours, as a bounce of our mail would read.
 */
function realBounce(file: string, email: string, messageId: string): string {
  const recipient = manifest.find((e) => e.file === file)!.recipient!;
  const text = readFileSync(join(CORPUS, file), 'latin1');
  const escaped = recipient.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const ids = [...text.matchAll(/^(message-id:\s*)(<[^>\r\n]+>)/gim)];
  const last = ids[ids.length - 1];
  const withId = text.slice(0, last.index) + last[1] + messageId + text.slice(last.index + last[0].length);
  return withId.replace(new RegExp(escaped, 'gi'), email);
}

describe('admin UI: the Bounces page and the campaign report split', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let browser: Browser;
  let editor: string;
  let ingest: string;
  let listId: string;
  let campaign: SentCampaign;
  const subscribers = new Map<string, Subscriber>();
  const tag = uniqueTag();
  const people = {
    hard: `gone-${tag}@hard-${tag}.example`,
    soft: `full-${tag}@soft-${tag}.example`,
    blocked: `picky-${tag}@blocked-${tag}.example`,
    complaint: `annoyed-${tag}@complaint-${tag}.example`,
    reader: `reader-${tag}@fine-${tag}.example`,
  };

  const postBounce = (raw: string) =>
    t
      .http()
      .post('/api/events/bounces')
      .set('Authorization', `Bearer ${ingest}`)
      .set('Content-Type', 'message/rfc822')
      .send(raw)
      .expect(200);

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'News <news@shop.example>' });
    editor = await t.tokenFor('editor');
    ingest = await makeApiKey(t, ['events:ingest']);
    browser = await launchBrowser();
    listId = (await makeList(t)).id;
    for (const email of Object.values(people))
      subscribers.set(email, await makeSubscriber(t, { email, name: 'Reader', lists: { [listId]: 'confirmed' } }));
    campaign = await sendCampaign(t, sink, editor, { name: `Bounce test ${tag}`, mjml: MJML, listIds: [listId] }, 5);
    const idOf = (email: string) => campaign.mails.get(email)!.headers.get('message-id')![0];
    const sent: Array<[string, string, string, string]> = [
      ['bp-doesnotexist.eml', people.hard, 'hard', 'user-unknown'],
      ['sisimai-rhost-outlook-01.eml', people.soft, 'soft', 'mailbox-full'],
      ['bp-spam-rejection.eml', people.blocked, 'blocked', 'spam-blocked'],
      ['sisimai-arf-21.eml', people.complaint, 'complaint', 'complaint'],
    ];
    for (const [file, email, type, reason] of sent) {
      const res = await postBounce(realBounce(file, email, idOf(email)));
      expect(res.body.results).toEqual([
        expect.objectContaining({ email, type, reason, messageId: campaign.messages.get(email)!.id }),
      ]);
    }
  });
  afterAll(async () => {
    await stopAppAndBrowser(t, browser);
    await sink?.stop();
  });

  it('shows an editor the bounces with reason, source, domain and address, the counts, and no un-suppress', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto('/admin');
    await page.getByRole('link', { name: 'Bounces' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Bounces');

    const recent = page.getByRole('region', { name: 'Recent bounces and complaints' });
    const row = (type: string) => recent.locator(`tr[data-bounce-type="${type}"]`);
    await expect(row('hard').getByRole('cell').allTextContents()).resolves.toEqual([
      expect.stringMatching(/UTC$/),
      'Hard bounce',
      'No such mailbox',
      'dsn',
      `hard-${tag}.example`,
      people.hard,
      'Yes',
    ]);
    await expect(row('soft').getByRole('cell').nth(2).textContent()).resolves.toBe('Mailbox full');
    await expect(row('soft').getByRole('cell').nth(6).textContent()).resolves.toBe('No');
    await expect(row('blocked').getByRole('cell').nth(2).textContent()).resolves.toBe('Refused as spam');
    await expect(row('complaint').getByRole('cell').nth(3).textContent()).resolves.toBe('arf');
    // The address links to its message.
    await row('complaint').getByRole('link', { name: people.complaint }).click();
    await page.waitForURL(`**/admin/messages/${campaign.messages.get(people.complaint)!.id}`);
    await page.goBack();

    const byReason = page.locator('table[data-counts="reason"] tbody tr');
    await expect(byReason.allTextContents()).resolves.toHaveLength(4);
    await expect(byReason.filter({ hasText: 'No such mailbox' }).getByRole('cell').allTextContents()).resolves.toEqual([
      'No such mailbox',
      'Hard bounce',
      '1',
    ]);
    const byDomain = page.locator('table[data-counts="domain"] tbody tr');
    await expect(
      byDomain
        .filter({ hasText: `soft-${tag}.example` })
        .getByRole('cell')
        .nth(1)
        .textContent(),
    ).resolves.toBe('1');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'bounces');

    // The suppression list: found by address, but lifting it is for admins.
    await page.getByRole('searchbox', { name: 'Address' }).fill(people.complaint);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.locator('[data-suppression]').getAttribute('data-suppression')).resolves.toBe('complaint');
    await expect(page.getByRole('button', { name: 'Un-suppress' }).count()).resolves.toBe(0);
    await expect(page.getByText('Only an admin can take an address off the list.').isVisible()).resolves.toBe(true);
    const csrf = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    const refused = await page.request.post('/admin/bounces/unsuppress', {
      form: { _csrf: csrf!, email: people.complaint, why: 'trying anyway' },
    });
    expect(refused.status()).toBe(403);
    expect(await t.app.get(SuppressionService).isSuppressed(people.complaint)).toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it('lets an admin find an address and un-suppress it, logged; the next campaign mails it again', async () => {
    const audit = jest.spyOn(Logger.prototype, 'log');
    try {
      const { page, consoleErrors, email: admin } = await signedInPage(browser, t, 'admin');
      await page.goto('/admin/bounces');
      const search = page.getByRole('searchbox', { name: 'Address' });

      // A bad search is a 400 naming the field.
      await search.fill('not an address');
      const bad = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/admin/bounces?')),
        page.getByRole('button', { name: 'Search' }).click(),
      ]);
      expect(bad[0].status()).toBe(400);
      await expect(page.locator('#email-error').textContent()).resolves.toMatch(/whole email address/);

      await search.fill(people.hard.toUpperCase());
      await page.getByRole('button', { name: 'Search' }).click();
      await expect(page.locator('[data-suppression]').getAttribute('data-suppression')).resolves.toBe('hard-bounce');
      expect(await seriousViolations(page)).toEqual([]);
      await page
        .getByRole('textbox', { name: 'Why may this address be mailed again?' })
        .fill('They fixed their mailbox');
      await page.getByRole('button', { name: 'Un-suppress' }).click();
      await expect(page.locator('.flash').textContent()).resolves.toMatch(/can get campaign mail again/);
      expect(await t.app.get(SuppressionService).isSuppressed(people.hard)).toBe(false);

      const lifted = audit.mock.calls
        .map(([entry]) => entry as { action?: string })
        .filter((entry) => entry?.action === 'suppression-lifted');
      expect(lifted).toEqual([
        expect.objectContaining({
          by: expect.objectContaining({ email: admin, role: 'admin' }),
          emailHash: suppressionHash(people.hard),
          previousReason: 'hard-bounce',
          why: 'They fixed their mailbox',
          at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        }),
      ]);
      expect(JSON.stringify(lifted)).not.toContain(people.hard);

      await search.fill(people.hard);
      await page.getByRole('button', { name: 'Search' }).click();
      await expect(
        page.getByRole('status').filter({ hasText: 'is not on the suppression list' }).count(),
      ).resolves.toBe(1);
      // The one error is the bad search's 400, which the browser reports.
      expect(consoleErrors).toEqual([expect.stringContaining('status of 400')]);
    } finally {
      audit.mockRestore();
    }

    // Mailed again; the complainer is still left out (one soft bounce and a blocked mail suppress nobody).
    const next = await sendCampaign(t, sink, editor, { name: `Again ${tag}`, mjml: MJML, listIds: [listId] }, 4);
    expect([...next.mails.keys()].sort()).toEqual([people.blocked, people.hard, people.reader, people.soft].sort());
  });

  it('splits the campaign report’s bounces into hard, soft and blocked, with complaints', async () => {
    const { page } = await signedInPage(browser, t, 'viewer');
    await page.goto(`/admin/campaigns/${campaign.id}/report`);
    const stat = (name: string) => page.locator(`[data-stat="${name}"] .value`).textContent();
    await expect(stat('bounced')).resolves.toBe('1');
    await expect(stat('bounced-hard')).resolves.toBe('1');
    await expect(stat('bounced-soft')).resolves.toBe('1');
    await expect(stat('bounced-blocked')).resolves.toBe('1');
    await expect(stat('complaints')).resolves.toBe('1');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'report-bounces');
  });

  it('anonymises an erased person’s bounces: the page no longer names them, the report still counts them', async () => {
    await t.app.get(ErasureService).erase(subscribers.get(people.complaint)!);
    const rows = await t.app.get(BounceRepository).recent(50);
    expect(rows.some((r) => r.emailHash === suppressionHash(people.complaint))).toBe(false);
    expect(rows.filter((r) => r.type === 'complaint')).toEqual([
      expect.objectContaining({ emailHash: null, domain: null, detail: null, campaignId: campaign.id }),
    ]);
    const { page } = await signedInPage(browser, t, 'viewer');
    await page.goto('/admin/bounces');
    await expect(page.content()).resolves.not.toContain(people.complaint);
    await expect(page.locator('tr[data-bounce-type="complaint"] td').nth(5).textContent()).resolves.toBe('Message');
    await page.goto(`/admin/campaigns/${campaign.id}/report`);
    await expect(page.locator('[data-stat="complaints"] .value').textContent()).resolves.toBe('1');
  });

  // On the same app: a second app in one file made jest report a stray rejection at the end on SQLite.
  describe('the bounce log’s counts (BounceRepository)', () => {
    // Rows in a far future of their own, so the counts see only this test's rows.
    const at = (day: number) => new Date(Date.UTC(2100, 0, day, 12));
    const row = (fields: Partial<NewBounce>): NewBounce => ({
      at: at(10),
      type: 'hard',
      reason: 'user-unknown',
      source: 'dsn',
      domain: 'a.example',
      emailHash: suppressionHash(`${uniqueTag()}@a.example`),
      messageId: null,
      campaignId: null,
      detail: null,
      suppressed: true,
      ...fields,
    });

    it('counts by reason and by domain since a time, by type per campaign, and keeps counts through erasure', async () => {
      const repo = t.app.get(BounceRepository);
      const campaignId = randomUUID();
      const message = randomUUID();
      const person = suppressionHash('erased-person@c.example');
      const rows: NewBounce[] = [
        row({ at: at(1), domain: 'old.example' }), // before the window
        row({ campaignId, messageId: randomUUID() }),
        row({ campaignId, messageId: randomUUID(), domain: 'b.example' }),
        // Two delay warnings about one message, then its hard bounce: one soft, one hard.
        row({
          campaignId,
          messageId: message,
          type: 'soft',
          reason: 'delayed',
          domain: 'b.example',
          suppressed: false,
        }),
        row({
          campaignId,
          messageId: message,
          type: 'soft',
          reason: 'delayed',
          domain: 'b.example',
          suppressed: false,
        }),
        row({ campaignId, messageId: message, type: 'hard', reason: 'mailbox-disabled', domain: 'b.example' }),
        row({ campaignId, messageId: randomUUID(), type: 'blocked', reason: 'spam-blocked', suppressed: false }),
        row({
          campaignId,
          messageId: randomUUID(),
          type: 'complaint',
          reason: 'complaint',
          domain: 'c.example',
          emailHash: person,
        }),
      ];
      for (const r of rows) await repo.record(r);

      await expect(repo.countsByReason(at(5))).resolves.toEqual([
        { type: 'hard', reason: 'user-unknown', count: 2 },
        { type: 'soft', reason: 'delayed', count: 2 },
        { type: 'blocked', reason: 'spam-blocked', count: 1 },
        { type: 'complaint', reason: 'complaint', count: 1 },
        { type: 'hard', reason: 'mailbox-disabled', count: 1 },
      ]);
      await expect(repo.countsByDomain(at(5), 2)).resolves.toEqual([
        { domain: 'b.example', count: 4 },
        { domain: 'a.example', count: 2 },
      ]);
      await expect(repo.typeCountsOfCampaign(campaignId)).resolves.toEqual({
        hard: 3,
        soft: 1,
        blocked: 1,
        complaint: 1,
      });
      await expect(repo.typeCountsOfCampaign(randomUUID())).resolves.toEqual({
        hard: 0,
        soft: 0,
        blocked: 0,
        complaint: 0,
      });

      // Erasure keeps the row for the numbers, without hash, domain or detail.
      await repo.anonymiseAmong([person]);
      await expect(repo.typeCountsOfCampaign(campaignId)).resolves.toMatchObject({ complaint: 1 });
      const domains = await repo.countsByDomain(at(5), 10);
      expect(domains.map((d) => d.domain)).not.toContain('c.example');
      const recent = await repo.recent(20);
      expect(recent.some((r) => r.emailHash === person)).toBe(false);
      expect(recent[0].at.getTime()).toBeGreaterThanOrEqual(recent[recent.length - 1].at.getTime());
    });
  });
});
