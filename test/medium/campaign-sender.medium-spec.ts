import { getQueueToken } from '@nestjs/bull';
import { Queue } from 'bull';
import { CampaignMessagesService } from '../../src/campaigns/campaign-messages.service';
import { CampaignRunsService } from '../../src/campaigns/campaign-runs.service';
import { CampaignSenderService } from '../../src/campaigns/campaign-sender.service';
import { CampaignsService } from '../../src/campaigns/campaigns.service';
import { SuppressionService } from '../../src/delivery/suppression.service';
import { QueueName } from '../../src/queues/queues';
import { uniqueTag } from '../support/factories';
import { ReceivedMail, SmtpSink } from '../support/smtp-sink';
import { createTestApp, TestApp } from '../support/test-app';
import { until } from '../support/until';

const MJML =
  '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{subscriber.email}}</mj-text></mj-column></mj-section></mj-body></mjml>';

/**
 * Service-level ("medium") tests of sending a campaign: CampaignRunsService prepares it and CampaignSenderService
 * runs its batch, called directly, on the real database (SQLite, or PostgreSQL with DATABASE_URL), Redis and a
 * real SMTP server. The campaign queue is paused in this process, so only the test's own calls send anything;
 * a failure here names the class that broke. Data is made through the API and the services' public methods.
 */
describe('CampaignRunsService and CampaignSenderService (medium: real database, Redis and SMTP)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let editor: string;
  let campaigns: CampaignsService;
  let runs: CampaignRunsService;
  let sender: CampaignSenderService;
  let messages: CampaignMessagesService;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url });
    // Paused here only (this process's worker): jobs are queued as usual but nothing runs them behind the test.
    await t.app.get<Queue>(getQueueToken(QueueName.Campaign)).pause(true);
    editor = await t.tokenFor('editor');
    campaigns = t.app.get(CampaignsService);
    runs = t.app.get(CampaignRunsService);
    sender = t.app.get(CampaignSenderService);
    messages = t.app.get(CampaignMessagesService);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const api = () => ({
    post: (path: string, body: object) => t.http().post(path).set('Authorization', `Bearer ${editor}`).send(body),
  });

  /** A list of `count` confirmed members (through the API), and their addresses. */
  async function audience(count: number): Promise<{ listId: string; emails: string[] }> {
    const tag = uniqueTag();
    const list = await api()
      .post('/api/lists', { name: `Medium ${tag}`, optIn: 'single' })
      .expect(201);
    const emails: string[] = [];
    for (let i = 0; i < count; i++) {
      const email = `reader-${i}-${tag}@example.com`;
      await api()
        .post('/api/subscribers', { email, listIds: [list.body.id] })
        .expect(201);
      emails.push(email);
    }
    return { listId: list.body.id as string, emails };
  }

  /** A campaign to the list, sent (status 'sending') and prepared: its message rows exist. Answers the ids. */
  async function prepared(listId: string): Promise<{ id: string; messageIds: string[] }> {
    const created = await api()
      .post('/api/campaigns', { name: 'Medium', subject: 'Hi', mjml: MJML, listIds: [listId] })
      .expect(201);
    const id = created.body.id as string;
    await campaigns.send(id, {});
    await expect(runs.prepare(id)).resolves.toBe('prepared');
    return { id, messageIds: await messages.pendingIds(id) };
  }

  const ofCampaign = (id: string) => (m: ReceivedMail) =>
    (m.headers.get('feedback-id') ?? []).some((v) => v.startsWith(id));
  const recipientsOf = (id: string) => sink.received.filter(ofCampaign(id)).flatMap((m) => m.to);

  it('prepare writes one message per member, and preparing again adds none', async () => {
    const { listId, emails } = await audience(4);
    const { id, messageIds } = await prepared(listId);
    expect(messageIds).toHaveLength(emails.length);
    // A second prepare (a retried job, a recovery) finds the campaign prepared and leaves it.
    await expect(runs.prepare(id)).resolves.toBe('skipped');
    expect(await messages.pendingIds(id)).toEqual(messageIds);
  });

  it('runBatch sends each recipient once, records it, and a second run of the same batch sends nothing', async () => {
    const { listId, emails } = await audience(5);
    const { id, messageIds } = await prepared(listId);

    await expect(sender.runBatch(id, messageIds, false)).resolves.toBe('done');
    await sink.waitFor(ofCampaign(id), emails.length);
    expect(recipientsOf(id).sort()).toEqual([...emails].sort());
    expect(await messages.pendingIds(id)).toEqual([]);
    expect((await campaigns.get(id)).status).toBe('sent');

    // The same job again (Bull retried it): everything is recorded sent, nothing goes out twice.
    await sender.runBatch(id, messageIds, false);
    expect(recipientsOf(id)).toHaveLength(emails.length);
  });

  it('a run after a crash sends only what was not recorded sent', async () => {
    const { listId, emails } = await audience(6);
    const { id, messageIds } = await prepared(listId);
    // The first worker got through half of the batch before it died; recovery runs the whole batch again.
    const half = messageIds.slice(0, 3);
    await expect(sender.runBatch(id, half, false)).resolves.toBe('done');
    await sink.waitFor(ofCampaign(id), half.length);
    expect(await messages.pendingIds(id)).toEqual(messageIds.slice(3));

    await expect(sender.runBatch(id, messageIds, false)).resolves.toBe('done');
    await sink.waitFor(ofCampaign(id), emails.length);
    const received = recipientsOf(id);
    expect(received.sort()).toEqual([...emails].sort()); // each once: no duplicate
    expect((await campaigns.get(id)).status).toBe('sent');
  });

  it('a paused campaign stops claiming: its batch returns paused, the rest stays queued and resume sends it', async () => {
    const { listId, emails } = await audience(4);
    const { id, messageIds } = await prepared(listId);
    await campaigns.pause(id);

    await expect(sender.runBatch(id, messageIds, false)).resolves.toBe('paused');
    expect(recipientsOf(id)).toEqual([]);
    expect(await messages.pendingIds(id)).toEqual(messageIds);

    await campaigns.resume(id);
    await expect(sender.runBatch(id, messageIds, false)).resolves.toBe('done');
    await sink.waitFor(ofCampaign(id), emails.length);
    expect(recipientsOf(id).sort()).toEqual([...emails].sort());
  });

  it('a recipient suppressed after the campaign was prepared is skipped, not sent', async () => {
    const { listId, emails } = await audience(3);
    const { id, messageIds } = await prepared(listId);
    const [gone, ...others] = emails;
    await t.app.get(SuppressionService).suppress(gone, 'hard-bounce', 'medium test');

    await expect(sender.runBatch(id, messageIds, false)).resolves.toBe('done');
    await sink.waitFor(ofCampaign(id), others.length);
    await until(async () => (await messages.pendingIds(id)).length === 0, 'every message to be settled');
    expect(recipientsOf(id).sort()).toEqual([...others].sort());
    expect((await campaigns.get(id)).progress).toMatchObject({ total: 3, sent: 2, skipped: 1, pending: 0 });
  });
});
