import { BadRequestException, Injectable, Logger } from '@nestjs/common';
import { Transactions, Tx } from '../database/transaction';
import { MessageEventRepository } from '../delivery/message-event.repository';
import { MessageRepository } from '../delivery/message.repository';
import { AbTestSettings, CampaignVariant, pickWinner, slicePosition, VariantResult, variantLabel } from './ab-test';
import { KEEP_ALL, streamedSliceBounds } from './ab-split';
import { audienceOf } from './audience-spec';
import { AudienceService } from './audience.service';
import { CampaignContentService } from './campaign-content.service';
import { CampaignJobsService } from './campaign-jobs.service';
import { CampaignMessagesService, Progress } from './campaign-messages.service';
import { Campaign, CampaignRepository, CampaignStatus, NewCampaign } from './campaign.repository';
import { VariantDto } from './dto/ab-test.dto';

const HOUR_MS = 3_600_000;
/** Subscribers read per audience page when the test's split is computed. */
const AUDIENCE_PAGE = 1000;

/** What a campaign's A/B fields become: both set, or both null (no test). */
export interface AbTestRecord {
  variants: CampaignVariant[] | null;
  abTest: AbTestSettings | null;
}

/**
 * A/B tests. Sending a campaign with variants makes it the parent of hidden child campaigns, one per variant, each
 * an ordinary campaign (its own subject and template version) whose audience is a slice of the parent's: the
 * test share, split evenly by a position hashed from the subscriber and the parent (AudienceSpec.slice). Once
 * every variant is sent and `waitHours` have passed since the start, the variant with the best rate of unique
 * human opens (or clicks) per mail sent wins (a tie: the first of them), and one more child sends it to everyone
 * in the parent's audience that no variant reached. The send pipeline runs the children; the parent sends nothing
 * itself (CampaignRepository.findByStatus leaves it out) and is moved along by AbTestSweeper from the database,
 * so a restart or a lost Redis loses no step. Its progress and stats are its children's summed.
 */
@Injectable()
export class AbTestsService {
  private readonly logger = new Logger(AbTestsService.name);
  /** Audiences up to this size are split from positions kept in memory, larger ones in two reads (ab-split.ts). */
  keepAllUpTo = KEEP_ALL;

  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly transactions: Transactions,
    private readonly content: CampaignContentService,
    private readonly audience: AudienceService,
    private readonly jobs: CampaignJobsService,
    private readonly campaignMessages: CampaignMessagesService,
    private readonly messages: MessageRepository,
    private readonly events: MessageEventRepository,
  ) {}

  /**
   * The A/B fields a create or update saves (`current`: the campaign's before an update), 400 naming what is
   * wrong: variants and abTest go together; null turns the test off. Variants with content are saved as versions.
   */
  async record(
    tx: Tx,
    input: { variants?: VariantDto[] | null; abTest?: AbTestSettings | null },
    current?: AbTestRecord,
  ): Promise<Partial<AbTestRecord>> {
    const changes: Partial<AbTestRecord> = {};
    if (input.variants !== undefined)
      changes.variants = input.variants && (await this.saveVariants(tx, input.variants));
    if (input.abTest !== undefined)
      changes.abTest = input.abTest && { ...input.abTest, waitHours: Number(input.abTest.waitHours) };
    const variants = changes.variants !== undefined ? changes.variants : (current?.variants ?? null);
    const abTest = changes.abTest !== undefined ? changes.abTest : (current?.abTest ?? null);
    if (variants && !abTest)
      throw new BadRequestException(['abTest is required with variants (share, metric, waitHours)']);
    if (abTest && !variants) throw new BadRequestException([`variants are required with abTest (2 to 4)`]);
    return changes;
  }

  private async saveVariants(tx: Tx, variants: VariantDto[]): Promise<CampaignVariant[]> {
    const saved: CampaignVariant[] = [];
    for (const [i, v] of variants.entries()) {
      const label = `variants[${i}] (${variantLabel(i)})`;
      if (v.templateId && v.mjml) throw new BadRequestException([`${label}: give templateId or mjml, not both`]);
      try {
        if (v.templateId || v.mjml) {
          const versionId = await this.content.versionFor(tx, { templateId: v.templateId, mjml: v.mjml }, v.subject);
          saved.push({ subject: v.subject, templateId: v.templateId ?? null, templateVersionId: versionId });
        } else {
          await this.content.assertSubject(v.subject);
          saved.push({ subject: v.subject, templateId: null, templateVersionId: null });
        }
      } catch (e) {
        throw namedFor(label, e);
      }
    }
    return saved;
  }

  /** What each variant sends now: its subject and version (a template's current one; none given: the campaign's). */
  async variantContents(
    parent: Pick<Campaign, 'variants' | 'templateVersionId'>,
  ): Promise<Array<{ subject: string; templateId: string | null; templateVersionId: string }>> {
    const out = [];
    for (const v of parent.variants ?? []) {
      const templateVersionId = v.templateId
        ? await this.content.currentVersionOf(v.templateId)
        : (v.templateVersionId ?? parent.templateVersionId);
      out.push({ subject: v.subject, templateId: v.templateId, templateVersionId });
    }
    return out;
  }

  /**
   * Sending a test, only while its status is one of `from`: at `sendAt` when that is later (AbTestSweeper begins it
   * then), else 'sending' at once and its variants are made in the background (start: the audience is read for the
   * split, twice for a large one, which takes a while; the sweep does it if this process stops first). `parent`
   * carries the version it sends (a template's current one).
   */
  async send(parent: Campaign, sendAt: Date | null, from: CampaignStatus[]): Promise<boolean> {
    const later = sendAt !== null && sendAt.getTime() > Date.now();
    const moved = await this.campaigns.updateIfStatus(parent.id, from, {
      status: later ? 'scheduled' : 'sending',
      templateVersionId: parent.templateVersionId,
      sendAt: later ? sendAt : null,
      startedAt: later ? null : new Date(),
      preparedAt: null,
    });
    if (moved && !later) this.startInBackground(parent.id);
    return moved;
  }

  /** A scheduled test whose time has come: 'sending', then its variants are made. */
  async begin(parentId: string): Promise<boolean> {
    const moved = await this.campaigns.updateIfStatus(parentId, ['scheduled'], {
      status: 'sending',
      startedAt: new Date(),
    });
    if (moved) await this.start(parentId);
    return moved;
  }

  private startInBackground(parentId: string): void {
    this.start(parentId).catch((err: unknown) =>
      this.logger.warn({ err, campaignId: parentId }, 'A/B test not started; the next sweep tries again'),
    );
  }

  /**
   * Makes the variants of a 'sending' test that has none yet (preparedAt null): the split is computed from the
   * audience now, the children are made (status 'sending') and the parent marked prepared in one transaction
   * (of two processes at it, one does it), then the children's prepare jobs are queued (lost ones are queued again
   * by CampaignSweeper: the children are ordinary campaigns). Answers whether it made them.
   */
  async start(parentId: string): Promise<boolean> {
    const parent = await this.campaigns.findById(parentId);
    if (!parent?.abTest || parent.status !== 'sending' || parent.preparedAt) return false;
    const variants = await this.variantContents(parent);
    const split = await streamedSliceBounds(
      async (add) => {
        for await (const recipients of this.audience.pages(audienceOf(parent), AUDIENCE_PAGE)) {
          for (const r of recipients) add(slicePosition(parent.id, r.subscriberId));
        }
      },
      parent.abTest.share,
      variants.length,
      this.keepAllUpTo,
    );
    const bounds = split.bounds;
    const now = new Date();
    const childIds = await this.transactions.run(async (tx) => {
      if (!(await this.campaigns.markPreparedIfSending(parent.id, tx))) return null;
      const ids: string[] = [];
      for (const [i, v] of variants.entries()) {
        const [lo, hi] = bounds[i];
        const slice = { kind: 'hash' as const, seed: parent.id, from: lo, to: hi };
        ids.push(await this.campaigns.create(child(parent, i, v, slice, now), tx));
      }
      return ids;
    });
    if (!childIds) return false;
    for (const id of childIds) await this.jobs.prepare(id, null);
    const { audience, reads } = split;
    this.logger.log({ campaignId: parent.id, variants: childIds.length, audience, reads }, 'A/B test started');
    return true;
  }

  /**
   * One look at a running test: the winner chosen and sent once every variant is sent and the wait is over; the
   * parent 'sent' once the winner's send is. Answers what it did.
   */
  async advance(parent: Campaign, now = Date.now()): Promise<'decided' | 'finished' | null> {
    const children = await this.campaigns.findChildren([parent.id]);
    const tests = children.filter((c) => c.audienceSlice?.kind === 'hash');
    const rest = children.find((c) => c.audienceSlice?.kind === 'rest');
    if (rest) {
      if (rest.status !== 'sent') return null;
      const done = await this.campaigns.updateIfStatus(parent.id, ['sending'], {
        status: 'sent',
        finishedAt: new Date(),
      });
      return done ? 'finished' : null;
    }
    const startedAt = parent.startedAt ? new Date(parent.startedAt).getTime() : now;
    if (now < startedAt + parent.abTest!.waitHours * HOUR_MS) return null;
    if (!tests.length || tests.some((c) => c.status !== 'sent')) return null;
    const results = await this.results(tests.map((c) => c.id));
    const winner = pickWinner(results, parent.abTest!.metric);
    const won = tests.find((c) => c.variantIndex === winner) ?? tests[0];
    const slice = { kind: 'rest' as const, notReachedBy: tests.map((c) => c.id) };
    const finalId = await this.transactions.run(async (tx) => {
      if (!(await this.campaigns.setWinnerIfNone(parent.id, winner, tx))) return null;
      const content = { subject: won.subject, templateId: won.templateId, templateVersionId: won.templateVersionId };
      return this.campaigns.create(child(parent, winner, content, slice, new Date()), tx);
    });
    if (!finalId) return null;
    await this.jobs.prepare(finalId, null);
    this.logger.log({ campaignId: parent.id, winner: variantLabel(winner), results }, 'A/B test decided');
    return 'decided';
  }

  /** Each test child's mail sent and unique human opens and clicks, in the order given. */
  async results(childIds: string[]): Promise<VariantResult[]> {
    const sent = await this.messages.sendCounts(childIds);
    return Promise.all(
      childIds.map(async (id) => {
        const counts = await this.events.campaignEventCounts(id, ['opened', 'clicked']);
        const people = (type: string) => counts.find((c) => c.type === type && c.machine === 0)?.unique ?? 0;
        return { sent: sent.get(id)?.sent ?? 0, opens: people('opened'), clicks: people('clicked') };
      }),
    );
  }

  /** Each campaign's progress, an A/B test's parent's being the sum of its children's. */
  async progress(campaigns: Array<Pick<Campaign, 'id' | 'abTest'>>): Promise<Map<string, Progress>> {
    const children = await this.campaigns.findChildren(campaigns.filter((c) => c.abTest).map((c) => c.id));
    const all = await this.campaignMessages.progress([...campaigns.map((c) => c.id), ...children.map((c) => c.id)]);
    for (const c of children) {
      const sum = all.get(c.parentId!)!;
      for (const [key, n] of Object.entries(all.get(c.id)!)) sum[key as keyof Progress] += n;
    }
    return new Map(campaigns.map((c) => [c.id, all.get(c.id)!]));
  }

  /** The ids of the test's children in one of `statuses` (what a pause, resume or cancel of the parent moves). */
  async childrenIn(parentId: string, statuses: CampaignStatus[]): Promise<string[]> {
    return (await this.campaigns.findChildren([parentId])).filter((c) => statuses.includes(c.status)).map((c) => c.id);
  }
}

/** A hidden child of `parent` that sends variant `index` (`content`) to `slice` of the parent's audience. */
function child(
  parent: Campaign,
  index: number,
  content: { subject: string; templateId: string | null; templateVersionId: string | null },
  slice: NonNullable<Campaign['audienceSlice']>,
  startedAt: Date,
): NewCampaign {
  return {
    name: `${parent.name} (${slice.kind === 'rest' ? 'winner' : 'variant'} ${variantLabel(index)})`.slice(0, 200),
    subject: content.subject,
    fromName: parent.fromName,
    fromEmail: parent.fromEmail,
    templateId: content.templateId,
    templateVersionId: content.templateVersionId ?? parent.templateVersionId,
    // the audience's other criteria are the parent's
    listIds: parent.listIds,
    segmentId: parent.segmentId,
    trackOpens: parent.trackOpens,
    trackClicks: parent.trackClicks,
    status: 'sending',
    startedAt,
    parentId: parent.id,
    variantIndex: index,
    audienceSlice: slice,
  };
}

/** A 400 about a variant's content names the variant. */
function namedFor(label: string, e: unknown): unknown {
  if (e instanceof BadRequestException) {
    const body = e.getResponse() as { message?: unknown };
    const messages = Array.isArray(body.message) ? body.message : [body.message];
    const named = messages.map((m) =>
      typeof m === 'string' ? `${label}: ${m}` : { variant: label, ...(m as object) },
    );
    return new BadRequestException(named);
  }
  return e;
}
