import { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { Campaign } from '../src/campaigns/campaign.entity';
import { MessageEvent } from '../src/delivery/message-event.entity';
import { Message } from '../src/delivery/message.entity';
import { screenshot, signedInPage, startAppAndBrowser, stopAppAndBrowser } from './support/browser';
import { makeList, makeSubscriber, uniqueTag } from './support/factories';
import { TestApp } from './support/test-app';

const DAY = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const label = (d: Date) => `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;

describe('admin UI: dashboard', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => ({ t, browser } = await startAppAndBrowser()));
  afterAll(() => stopAppAndBrowser(t, browser));

  it('greets a fresh install with clear empty states and an empty chart', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto('/admin');
    await expect(page.getByText('No campaigns yet').isVisible()).resolves.toBe(true);
    await expect(page.getByRole('link', { name: 'Create one' }).getAttribute('href')).resolves.toBe(
      '/admin/campaigns/new',
    );
    await expect(page.getByText('No lists yet').isVisible()).resolves.toBe(true);
    await expect(page.getByRole('img', { name: 'Messages sent per day, last 30 days' }).isVisible()).resolves.toBe(
      true,
    );
    await expect(page.getByText('Nothing sent in the last 30 days.').isVisible()).resolves.toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it('shows recent campaigns with their numbers, subscribers per list, and sends per day as a chart', async () => {
    const tag = uniqueTag();
    const ds = t.app.get(DataSource);
    const news = await makeList(t, { name: `News ${tag}` });
    const small = await makeList(t, { name: `Small ${tag}` });
    const people = [];
    for (let i = 0; i < 4; i++)
      people.push(
        await makeSubscriber(t, { lists: { [news.id]: 'confirmed', ...(i === 0 ? { [small.id]: 'confirmed' } : {}) } }),
      );
    await makeSubscriber(t, { lists: { [small.id]: 'unsubscribed' } });

    const now = Date.now();
    const campaignRepo = ds.getRepository(Campaign);
    const make = (name: string, status: Campaign['status'], ageDays: number) =>
      campaignRepo.save(
        campaignRepo.create({
          name,
          subject: name,
          templateVersionId: 'test',
          listIds: [news.id],
          status,
          createdAt: new Date(now - ageDays * DAY),
          startedAt: status === 'draft' ? null : new Date(now - ageDays * DAY),
        }),
      );
    // Six campaigns: the oldest is not among the five shown.
    const oldest = await make(`Oldest ${tag}`, 'sent', 20);
    for (let i = 0; i < 4; i++) await make(`Older ${i} ${tag}`, 'sent', 10 - i);
    const draft = await make(`Draft ${tag}`, 'draft', 0);
    const sent = await campaignRepo.findOneByOrFail({ name: `Older 3 ${tag}` });

    // Four messages of one campaign sent today and two days ago; two people opened (one more open by a proxy), one clicked.
    const messages = ds.getRepository(Message);
    const sentAt = [now, now, now - 2 * DAY, now - 2 * DAY];
    const rows = await messages.save(
      people.map((p, i) =>
        messages.create({
          stream: 'campaign',
          campaignId: sent.id,
          subscriberId: p.id,
          toEmail: p.email,
          template: 'campaign',
          status: 'sent',
          sentAt: new Date(sentAt[i]),
        }),
      ),
    );
    // A transactional message sent today and one queued (not sent) count only when sent.
    await messages.save([
      messages.create({
        stream: 'transactional',
        toEmail: `order-${tag}@example.com`,
        template: 'order-placed',
        status: 'sent',
        sentAt: new Date(now),
      }),
      messages.create({
        stream: 'transactional',
        toEmail: `queued-${tag}@example.com`,
        template: 'order-placed',
        status: 'queued',
        sentAt: null,
      }),
    ]);
    const events = ds.getRepository(MessageEvent);
    const event = (m: Message, type: MessageEvent['type'], detail: Record<string, unknown>) =>
      events.create({ messageId: m.id, type, at: new Date(now), detail });
    await events.save([
      event(rows[0], 'opened', { machine: false }),
      event(rows[0], 'opened', { machine: false }),
      event(rows[1], 'opened', { machine: false }),
      event(rows[2], 'opened', { machine: true }),
      event(rows[0], 'clicked', { url: 'https://example.com/', scanner: false }),
      event(rows[3], 'clicked', { url: 'https://example.com/', scanner: true }),
    ]);

    const { page, consoleErrors } = await signedInPage(browser, t, 'viewer');
    await page.goto('/admin');
    const recent = page.getByRole('region', { name: 'Recent campaigns' });
    await expect(recent.locator('tbody tr').count()).resolves.toBe(5);
    await expect(recent.getByRole('link', { name: `Oldest ${tag}` }).count()).resolves.toBe(0);
    await expect(recent.getByRole('link', { name: `Draft ${tag}` }).getAttribute('href')).resolves.toBe(
      `/admin/campaigns/${draft.id}`,
    );
    const row = recent.getByRole('row', { name: new RegExp(`Older 3 ${tag}`) });
    const cells = (await row.locator('td').allTextContents()).map((c) => c.replace(/\s+/g, ' ').trim());
    expect(cells.slice(1, 5)).toEqual(['sent', '4', '50.0% (2)', '25.0% (1)']);
    expect(oldest.id).toBeDefined();

    const perList = page.getByRole('region', { name: 'Subscribers per list' });
    const listRows = (await perList.locator('tbody tr').allTextContents()).map((c) => c.replace(/\s+/g, ' ').trim());
    expect(listRows).toEqual([`News ${tag} 4`, `Small ${tag} 1`]);
    await expect(page.locator('.stat').first().textContent()).resolves.toContain('5');

    const chart = page.getByRole('img', { name: 'Messages sent per day, last 30 days' });
    const bars = await chart.locator('rect title').allTextContents();
    expect(bars).toHaveLength(30);
    expect(bars[29]).toBe(`${label(new Date(now))}: 3 messages sent`);
    expect(bars[27]).toBe(`${label(new Date(now - 2 * DAY))}: 2 messages sent`);
    expect(bars.filter((b) => !b.endsWith(': 0 messages sent'))).toHaveLength(2);
    await expect(
      page.locator('.stat', { hasText: 'messages sent, last 30 days' }).locator('.value').textContent(),
    ).resolves.toBe('5');
    await screenshot(page, 'dashboard');
    expect(consoleErrors).toEqual([]);
  });
});
