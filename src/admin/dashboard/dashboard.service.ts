import { Injectable } from '@nestjs/common';
import { CampaignRepository, CampaignStatus } from '../../campaigns/campaign.repository';
import { MessageEventRepository } from '../../delivery/message-event.repository';
import { MessageRepository } from '../../delivery/message.repository';
import { ListView, ListsService } from '../../lists/lists.service';
import { SubscriberRepository } from '../../subscribers/subscriber.repository';

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
    private readonly lists: ListsService,
    private readonly campaigns: CampaignRepository,
    private readonly messages: MessageRepository,
    private readonly events: MessageEventRepository,
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
    const rows = await this.campaigns.newest(RECENT_CAMPAIGNS);
    if (rows.length === 0) return [];
    const ids = rows.map((c) => c.id);
    const [counts, events] = await Promise.all([this.messages.sendCounts(ids), this.events.uniqueEngagement(ids)]);
    const unique = (id: string, type: string) =>
      events.find((e) => e.campaignId === id && e.type === type)?.unique ?? 0;
    return rows.map((c) => ({
      id: c.id,
      name: c.name,
      status: c.status,
      at: c.startedAt ?? c.sendAt ?? c.createdAt,
      recipients: counts.get(c.id)?.recipients ?? 0,
      sent: counts.get(c.id)?.sent ?? 0,
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
    const byDay = await this.messages.sentPerDay(since);
    return Array.from({ length: CHART_DAYS }, (_, i) => {
      const d = new Date(since.getTime() + i * DAY_MS).toISOString().slice(0, 10);
      return { day: d, count: byDay.get(d) ?? 0 };
    });
  }
}
