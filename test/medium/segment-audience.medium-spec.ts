import { getQueueToken } from '@nestjs/bull';
import { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { AudienceService } from '../../src/campaigns/audience.service';
import { CampaignMessagesService } from '../../src/campaigns/campaign-messages.service';
import { CampaignRunsService } from '../../src/campaigns/campaign-runs.service';
import { CampaignsService } from '../../src/campaigns/campaigns.service';
import { Recipient } from '../../src/campaigns/campaign-messages.service';
import { Message } from '../../src/delivery/message.entity';
import { QueueName } from '../../src/queues/queues';
import { SegmentSnapshotRepository } from '../../src/segments/segment-snapshot.repository';
import { SegmentsService } from '../../src/segments/segments.service';
import { makeList, makeSubscriber, uniqueTag } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

const MJML =
  '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{subscriber.email}}</mj-text></mj-column></mj-section></mj-body></mjml>';

/**
 * A campaign's audience narrowed to a segment (AudienceService.pages): the segment is matched once per reading into
 * a snapshot, read page by page, dropped at the end; a resolve that died half way and runs again makes each
 * matching person's message once. Real database (SQLite, or PostgreSQL with DATABASE_URL); the campaign queue is
 * paused in this process, so only the test's own calls prepare anything.
 */
describe('A segment’s audience, read from a snapshot (medium: real database)', () => {
  let t: TestApp;
  let editor: string;
  let audience: AudienceService;
  let snapshots: SegmentSnapshotRepository;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.get<Queue>(getQueueToken(QueueName.Campaign)).pause(true);
    editor = await t.tokenFor('editor');
    audience = t.app.get(AudienceService);
    snapshots = t.app.get(SegmentSnapshotRepository);
  });
  afterAll(async () => {
    await t?.close();
  });

  const auth = () => ({ Authorization: `Bearer ${editor}` });

  /** A list with `pros` members on plan "pro" and two on "free", and a segment of the pros; pros in id order. */
  async function segmentOfPros(
    pros: number,
  ): Promise<{ listId: string; segmentId: string; tag: string; ids: string[] }> {
    const tag = uniqueTag();
    const list = await makeList(t);
    const ids: string[] = [];
    for (let i = 0; i < pros + 2; i++) {
      const plan = i < pros ? 'pro' : 'free';
      const s = await makeSubscriber(t, {
        email: `${plan}${i}-${tag}@example.com`,
        attributes: { tag, plan },
        lists: { [list.id]: 'confirmed' },
      });
      if (plan === 'pro') ids.push(s.id);
    }
    const segment = await t
      .http()
      .post('/api/segments')
      .set(auth())
      .send({
        name: `Pros ${tag}`,
        match: 'all',
        rules: [
          { field: 'attributes.tag', op: 'eq', value: tag },
          { field: 'attributes.plan', op: 'eq', value: 'pro' },
        ],
      })
      .expect(201);
    return { listId: list.id, segmentId: segment.body.id as string, tag, ids: ids.sort() };
  }

  const blocklist = (id: string) =>
    t.http().patch(`/api/subscribers/${id}`).set(auth()).send({ status: 'blocklisted' }).expect(200);

  it('matches the segment once, pages through the matches, goes on past a page whose people all left, and drops the snapshot', async () => {
    const { listId, segmentId, tag, ids } = await segmentOfPros(6);
    const before = await snapshots.countAll();
    const pages: string[][] = [];
    for await (const recipients of audience.pages({ listIds: [listId], segmentId }, 2)) {
      pages.push(recipients.map((r) => r.subscriberId));
      expect(await snapshots.countAll()).toBe(before + 1);
      if (pages.length === 1) {
        // While the reading runs: the whole next page leaves, and a new pro joins (after the match was taken).
        await blocklist(ids[2]);
        await blocklist(ids[3]);
        await makeSubscriber(t, {
          email: `late-${tag}@example.com`,
          attributes: { tag, plan: 'pro' },
          lists: { [listId]: 'confirmed' },
        });
      }
    }
    expect(pages).toEqual([ids.slice(0, 2), ids.slice(4, 6)]);
    expect(await snapshots.countAll()).toBe(before);

    // A reading stopped early drops its snapshot too; a new reading matches again (the late pro is in it now).
    for await (const recipients of audience.pages({ listIds: [listId], segmentId }, 2)) {
      expect(recipients).toHaveLength(2);
      break;
    }
    expect(await snapshots.countAll()).toBe(before);
    expect(await audience.count({ listIds: [listId], segmentId })).toBe(5);
  });

  it('a resolve that died half way and runs again makes each matching person’s message once, skipping no one', async () => {
    const { listId, segmentId, tag, ids } = await segmentOfPros(5);
    const campaigns = t.app.get(CampaignsService);
    const created = await t
      .http()
      .post('/api/campaigns')
      .set(auth())
      .send({ name: 'Resume', subject: 'Hi', mjml: MJML, listIds: [listId], segmentId })
      .expect(201);
    const id = created.body.id as string;
    await campaigns.send(id, {});

    // The first worker took its snapshot, wrote the first page's messages and died (its snapshot left behind).
    const dead = await t.app.get(SegmentsService).snapshot(segmentId, [listId]);
    const firstPage = await dead.next(null, 2);
    expect(firstPage).toEqual(ids.slice(0, 2));
    const campaign = await campaigns.get(id);
    const recipients: Recipient[] = firstPage.map((subscriberId, i) => ({
      subscriberId,
      email: `pro${i}-${tag}@example.com`,
      name: '',
    }));
    await t.app
      .get(CampaignMessagesService)
      .addRecipients({ id, templateVersionId: campaign.templateVersionId }, recipients);
    // Meanwhile another pro joined: the second run's snapshot has them.
    const late = await makeSubscriber(t, {
      email: `late-${tag}@example.com`,
      attributes: { tag, plan: 'pro' },
      lists: { [listId]: 'confirmed' },
    });

    const runs = t.app.get(CampaignRunsService);
    await expect(runs.prepare(id)).resolves.toBe('prepared');
    const messages = await t.app
      .get(DataSource)
      .getRepository(Message)
      .find({ where: { campaignId: id } });
    expect(messages.map((m) => m.subscriberId).sort()).toEqual([...ids, late.id].sort());
    await dead.drop();
  });
});
