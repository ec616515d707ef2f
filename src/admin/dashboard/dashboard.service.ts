import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Campaign, CampaignStatus } from '../../campaigns/campaign.entity';
import { ListView, ListsService } from '../../lists/lists.service';
import { SubscriberRepository } from '../../subscribers/subscriber.repository';
import { countOf, statsSqlOf } from '../../tracking/stats-sql';

export const RECENT_CAMPAIGNS = 5;
export const CHART_DAYS = 30;
const DAY_MS = 86_400_000;

export interface CampaignSummary {
  id: string;
  name: string;
  status: CampaignStatus;
  /** when it went out (or was created, for a draft) */
  at: Date;
  recipients: number;
  sent: number;
  uniqueOpens: number;
  uniqueClicks: number;
  trackOpens: boolean;
  trackClicks: boolean;
}

export interface DashboardData {
  campaigns: CampaignSummary[];
  lists: ListView[];
  listCount: number;
  subscriberCount: number;
  blocklistedCount: number;
  /** one per day, oldest first, UTC days ending today */
  sendsPerDay: { day: string; count: number }[];
}

/**
 * The dashboard's numbers, read-only aggregates made by the database: a handful of grouped queries
 * whatever the size of the audience (no campaign's messages are loaded).
 */
@Injectable()
export class DashboardService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lists: ListsService,
    private readonly subscribers: SubscriberRepository,
  ) {}

  async load(now = new Date()): Promise<DashboardData> {
    const [campaigns, lists, subscribers, sendsPerDay] = await Promise.all([
      this.recentCampaigns(),
      this.lists.list({ page: 1, limit: 1000 }),
      this.subscriberCounts(),
      this.sendsPerDay(now),
    ]);
    return {
      campaigns,
      lists: [...lists.items]
        .sort((a, b) => b.subscriberCount - a.subscriberCount || a.name.localeCompare(b.name))
        .slice(0, 10),
      listCount: lists.total,
      ...subscribers,
      sendsPerDay,
    };
  }

  private async recentCampaigns(): Promise<CampaignSummary[]> {
    const rows = await this.db
      .getRepository(Campaign)
      .find({ order: { createdAt: 'DESC', id: 'DESC' }, take: RECENT_CAMPAIGNS });
    if (rows.length === 0) return [];
    const ids = rows.map((c) => c.id);
    const { machineFlag } = statsSqlOf(this.db);
    const [messages, events] = await Promise.all([
      this.db
        .createQueryBuilder()
        .select('m.campaign_id', 'id')
        .addSelect('COUNT(*)', 'recipients')
        .addSelect('SUM(CASE WHEN m.sent_at IS NOT NULL THEN 1 ELSE 0 END)', 'sent')
        .from('messages', 'm')
        .where('m.campaign_id IN (:...ids)', { ids })
        .groupBy('m.campaign_id')
        .getRawMany(),
      this.db
        .createQueryBuilder()
        .select('m.campaign_id', 'id')
        .addSelect('e.type', 'type')
        .addSelect('COUNT(DISTINCT e.message_id)', 'uniq')
        .from('message_events', 'e')
        .innerJoin('messages', 'm', 'm.id = e.message_id')
        .where('m.campaign_id IN (:...ids)', { ids })
        .andWhere("e.type IN ('opened', 'clicked')")
        .andWhere(`${machineFlag} = 0`)
        .groupBy('m.campaign_id')
        .addGroupBy('e.type')
        .getRawMany(),
    ]);
    const counts = new Map(messages.map((r) => [String(r.id), r]));
    const unique = (id: string, type: string) =>
      countOf(events.find((e) => String(e.id) === id && e.type === type)?.uniq);
    return rows.map((c) => ({
      id: c.id,
      name: c.name,
      status: c.status,
      at: c.startedAt ?? c.sendAt ?? c.createdAt,
      recipients: countOf(counts.get(c.id)?.recipients),
      sent: countOf(counts.get(c.id)?.sent),
      uniqueOpens: unique(c.id, 'opened'),
      uniqueClicks: unique(c.id, 'clicked'),
      trackOpens: Boolean(c.trackOpens),
      trackClicks: Boolean(c.trackClicks),
    }));
  }

  private async subscriberCounts(): Promise<{ subscriberCount: number; blocklistedCount: number }> {
    const [subscriberCount, blocklistedCount] = await Promise.all([
      this.subscribers.count(),
      this.subscribers.countByStatus('blocklisted'),
    ]);
    return { subscriberCount, blocklistedCount };
  }

  /** Messages handed to SMTP per UTC day (both streams), the last CHART_DAYS days with today, empty days as 0. */
  private async sendsPerDay(now: Date): Promise<DashboardData['sendsPerDay']> {
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const since = new Date(today - (CHART_DAYS - 1) * DAY_MS);
    const day = this.isPostgres
      ? "to_char(m.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
      : "strftime('%Y-%m-%d', m.sent_at)";
    const rows = await this.db
      .createQueryBuilder()
      .select(day, 'day')
      .addSelect('COUNT(*)', 'n')
      .from('messages', 'm')
      .where('m.sent_at >= :since', { since })
      .groupBy(day)
      .getRawMany<{ day: string; n: string | number }>();
    const byDay = new Map(rows.map((r) => [String(r.day), countOf(r.n)]));
    return Array.from({ length: CHART_DAYS }, (_, i) => {
      const d = new Date(since.getTime() + i * DAY_MS).toISOString().slice(0, 10);
      return { day: d, count: byDay.get(d) ?? 0 };
    });
  }

  private get isPostgres(): boolean {
    return this.db.options.type === 'postgres';
  }
}
