import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, In, IsNull, Not } from 'typeorm';
import type { Tx } from '../database/transaction';
import { Campaign, CampaignStatus } from './campaign.entity';

export type { Campaign, CampaignStatus } from './campaign.entity';
export { CAMPAIGN_STATUSES } from './campaign.entity';

/** The statuses in which an archived campaign is public: it has gone (or is going) to its readers. */
export const PUBLISHED: CampaignStatus[] = ['sending', 'paused', 'sent'];

/** What a new campaign holds. */
export type NewCampaign = Pick<
  Campaign,
  | 'name'
  | 'subject'
  | 'fromName'
  | 'fromEmail'
  | 'templateId'
  | 'templateVersionId'
  | 'listIds'
  | 'trackOpens'
  | 'trackClicks'
  | 'status'
> &
  // how it was written (MJML when absent) and its place in the archive (none when absent)
  Partial<
    Pick<
      Campaign,
      'contentFormat' | 'contentSource' | 'layoutTemplateId' | 'archive' | 'archiveSlug' | 'archivedAt' | 'segmentId'
    >
  > &
  // an A/B test (src/campaigns/ab-*): a parent's variants and settings, a hidden child's place in its test
  Partial<Pick<Campaign, 'variants' | 'abTest' | 'parentId' | 'variantIndex' | 'audienceSlice' | 'startedAt'>>;

/** What may change on a campaign. */
export type CampaignChanges = Partial<Omit<Campaign, 'id' | 'createdAt' | 'updatedAt'>>;

/** The one owner of the `campaigns` table. */
@Injectable()
export class CampaignRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findById(id: string): Promise<Campaign | null> {
    return this.dataSource.manager.findOneBy(Campaign, { id });
  }

  /** Id and status only (what a running batch polls). */
  findStatus(id: string): Promise<Pick<Campaign, 'id' | 'status'> | null> {
    return this.dataSource.manager.findOne(Campaign, { select: { id: true, status: true }, where: { id } });
  }

  /** Id and start only (what the stats need). */
  findStartedAt(id: string): Promise<Pick<Campaign, 'id' | 'startedAt'> | null> {
    return this.dataSource.manager.findOne(Campaign, { select: { id: true, startedAt: true }, where: { id } });
  }

  /** Id and lists only (what an unsubscribe needs). */
  findListIds(id: string, tx?: Tx): Promise<Pick<Campaign, 'id' | 'listIds'> | null> {
    return (tx ?? this.dataSource.manager).findOne(Campaign, { select: { id: true, listIds: true }, where: { id } });
  }

  /** What a report page's header shows. */
  findReportHeader(
    id: string,
  ): Promise<Pick<Campaign, 'id' | 'name' | 'subject' | 'status' | 'sendAt' | 'startedAt' | 'finishedAt'> | null> {
    return this.dataSource.manager.findOne(Campaign, {
      select: { id: true, name: true, subject: true, status: true, sendAt: true, startedAt: true, finishedAt: true },
      where: { id },
    });
  }

  /** Id, name and subject of each of `ids` that exists. */
  findNames(ids: string[]): Promise<Pick<Campaign, 'id' | 'name' | 'subject'>[]> {
    return this.dataSource.manager.find(Campaign, {
      select: { id: true, name: true, subject: true },
      where: { id: In(ids) },
    });
  }

  /** Id and name of the campaigns in one of `statuses` that send one of these template versions (media in use). */
  findNamesByVersions(versionIds: string[], statuses: CampaignStatus[]): Promise<Pick<Campaign, 'id' | 'name'>[]> {
    if (!versionIds.length) return Promise.resolve([]);
    return this.dataSource.manager.find(Campaign, {
      select: { id: true, name: true },
      where: { templateVersionId: In(versionIds), status: In(statuses) },
      order: { createdAt: 'DESC' },
    });
  }

  /** Newest first; the hidden children of A/B tests left out (their parent stands for them). */
  page(skip: number, take: number): Promise<[Campaign[], number]> {
    return this.dataSource.manager.findAndCount(Campaign, {
      where: { parentId: IsNull() },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip,
      take,
    });
  }

  /** The newest `count`, without the hidden children of A/B tests. */
  newest(count: number): Promise<Campaign[]> {
    return this.dataSource.manager.find(Campaign, {
      where: { parentId: IsNull() },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: count,
    });
  }

  /**
   * The campaigns the send pipeline runs (CampaignRunsService, CampaignSweeper) in one of `statuses`. An A/B test's
   * parent sends nothing itself and is left out: AbTestsService runs it (its children are ordinary campaigns).
   */
  findByStatus(statuses: CampaignStatus[]): Promise<Campaign[]> {
    return this.dataSource.manager.findBy(Campaign, { status: In(statuses), abTest: IsNull() });
  }

  /** A/B tests' parents in one of `statuses` (what AbTestSweeper looks after). */
  findAbParents(statuses: CampaignStatus[]): Promise<Campaign[]> {
    return this.dataSource.manager.findBy(Campaign, { status: In(statuses), abTest: Not(IsNull()) });
  }

  /** The hidden children of the A/B tests `parentIds`, oldest first (the test variants, then the winner's send). */
  findChildren(parentIds: string[], tx?: Tx): Promise<Campaign[]> {
    if (!parentIds.length) return Promise.resolve([]);
    return (tx ?? this.dataSource.manager).find(Campaign, {
      where: { parentId: In(parentIds) },
      order: { createdAt: 'ASC', variantIndex: 'ASC' },
    });
  }

  /** Records an A/B test's winner, only if none was chosen yet (of two processes deciding at once, one wins). */
  async setWinnerIfNone(id: string, winner: number, tx: Tx): Promise<boolean> {
    const result = await tx.update(Campaign, { id, abWinner: IsNull(), status: 'sending' }, { abWinner: winner });
    return !!result.affected;
  }

  /** Whether another campaign than `exceptId` holds the archive slug. */
  async archiveSlugTaken(slug: string, exceptId?: string): Promise<boolean> {
    const row = await this.dataSource.manager.findOne(Campaign, { select: { id: true }, where: { archiveSlug: slug } });
    return !!row && row.id !== exceptId;
  }

  /** The published archive, newest first: marked for it, and sending or sent (never a draft). */
  archivedPage(skip: number, take: number): Promise<[Campaign[], number]> {
    return this.dataSource.manager.findAndCount(Campaign, {
      where: { archive: true, status: In(PUBLISHED) },
      order: { startedAt: 'DESC', id: 'DESC' },
      skip,
      take,
    });
  }

  /** One published campaign of the archive by its slug. */
  findArchived(slug: string): Promise<Campaign | null> {
    return this.dataSource.manager.findOneBy(Campaign, { archiveSlug: slug, archive: true, status: In(PUBLISHED) });
  }

  /** Answers the new campaign's id. */
  async create(campaign: NewCampaign, tx?: Tx): Promise<string> {
    const m = tx ?? this.dataSource.manager;
    return (await m.save(Campaign, m.create(Campaign, campaign))).id;
  }

  /** Changes the campaign only while its status is one of `from`; answers whether it did. */
  async updateIfStatus(id: string, from: CampaignStatus[], changes: CampaignChanges, tx?: Tx): Promise<boolean> {
    const result = await (tx ?? this.dataSource.manager).update(Campaign, { id, status: In(from) }, changes);
    return !!result.affected;
  }

  /** Records that the audience was resolved (once). */
  async markPrepared(id: string): Promise<void> {
    await this.dataSource.manager.update(Campaign, { id, preparedAt: IsNull() }, { preparedAt: new Date() });
  }

  /** Marks a sending campaign prepared unless it was; answers whether this call did (of two at once, one does). */
  async markPreparedIfSending(id: string, tx: Tx): Promise<boolean> {
    const result = await tx.update(
      Campaign,
      { id, status: 'sending', preparedAt: IsNull() },
      { preparedAt: new Date() },
    );
    return !!result.affected;
  }

  /** Deletes the campaign only while its status is one of `statuses`, with its A/B test's children if any. */
  async deleteIfStatus(id: string, statuses: CampaignStatus[]): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const result = await tx.delete(Campaign, { id, status: In(statuses) });
      if (result.affected) await tx.delete(Campaign, { parentId: id });
    });
  }

  /** 'sending' becomes 'sent' once the audience is resolved and none of its messages is queued or being sent. */
  async finishIfDone(id: string): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Campaign)
      .set({ status: 'sent', finishedAt: new Date() })
      .where({ id, status: 'sending' })
      .andWhere('prepared_at IS NOT NULL')
      .andWhere(
        new Brackets((qb) =>
          qb.where(
            `NOT EXISTS (SELECT 1 FROM messages m WHERE m.campaign_id = :campaignId AND m.status IN ('queued', 'sending'))`,
            { campaignId: id },
          ),
        ),
      )
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
