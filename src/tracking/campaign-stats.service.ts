import { Injectable, NotFoundException } from '@nestjs/common';
import { CampaignRepository } from '../campaigns/campaign.repository';
import { MessageEventRepository } from '../delivery/message-event.repository';
import { MessageRepository } from '../delivery/message.repository';

export const TIMELINE_HOURS = 48;
const HOUR_MS = 3_600_000;

export interface CampaignStats {
  recipients: number;
  sent: number;
  failed: number;
  bounced: number;
  /** people only in unique and total; `machine` counts the opens of mail-privacy proxies */
  opens: { unique: number; total: number; machine: number };
  /** people only; `scanner` counts the clicks of link scanners */
  clicks: { unique: number; total: number; scanner: number; links: { url: string; unique: number; total: number }[] };
  unsubscribes: number;
  complaints: number;
  /** people's opens and clicks per hour from the start of the send, for its first 48 hours (so far) */
  timeline: { hour: string; opens: number; clicks: number }[];
}

type EventType = 'opened' | 'clicked' | 'unsubscribed' | 'complained' | 'bounced';

/**
 * GET /api/campaigns/:id/stats: counts made by the database (aggregates only; no person's data leaves).
 * `unique` is the number of messages with at least one such event.
 */
@Injectable()
export class CampaignStatsService {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly messages: MessageRepository,
    private readonly events: MessageEventRepository,
  ) {}

  async stats(campaignId: string): Promise<CampaignStats> {
    const campaign = await this.campaigns.findStartedAt(campaignId);
    if (!campaign) throw new NotFoundException(`Campaign ${campaignId} not found`);
    const [messages, events, links, timeline] = await Promise.all([
      this.messageCounts(campaign.id),
      this.eventCounts(campaignId),
      this.links(campaignId),
      this.timeline(campaignId, campaign.startedAt),
    ]);
    const count = (type: EventType, machine: 0 | 1, of: 'total' | 'unique') =>
      events.find((e) => e.type === type && e.machine === machine)?.[of] ?? 0;
    const people = (type: EventType) => count(type, 0, 'unique') + count(type, 1, 'unique');
    return {
      ...messages,
      bounced: people('bounced'),
      opens: {
        unique: count('opened', 0, 'unique'),
        total: count('opened', 0, 'total'),
        machine: count('opened', 1, 'total'),
      },
      clicks: {
        unique: count('clicked', 0, 'unique'),
        total: count('clicked', 0, 'total'),
        scanner: count('clicked', 1, 'total'),
        links,
      },
      unsubscribes: people('unsubscribed'),
      complaints: people('complained'),
      timeline,
    };
  }

  /**
   * People's opens and clicks over time for a chart that spans the data: `count` buckets of `bucketSeconds`
   * from the start of the send (see the admin's timeAxisFor); empty when the campaign has not started.
   * `partIds`: the campaigns whose messages count when not its own (an A/B test's children, AbTestStatsService).
   */
  async engagementOverTime(
    campaignId: string,
    startedAt: Date | null,
    bucketSeconds: number,
    count: number,
    partIds: string[] = [campaignId],
  ): Promise<{ at: Date; opens: number; clicks: number }[]> {
    if (!startedAt) return [];
    const start = new Date(startedAt).getTime();
    const buckets = Array.from({ length: count }, (_, i) => ({
      at: new Date(start + i * bucketSeconds * 1000),
      opens: 0,
      clicks: 0,
    }));
    for (const r of await this.events.campaignEngagementBuckets(campaignId, bucketSeconds, partIds)) {
      const slot = buckets[r.bucket];
      if (slot) slot[r.type === 'opened' ? 'opens' : 'clicks'] += r.count;
    }
    return buckets;
  }

  /** Seconds from the start of the send to its people's last open or click; null when there was none. */
  engagementSpan(campaignId: string, partIds: string[] = [campaignId]): Promise<number | null> {
    return this.events.campaignEngagementSpan(campaignId, partIds);
  }

  private async messageCounts(campaignId: string): Promise<Pick<CampaignStats, 'recipients' | 'sent' | 'failed'>> {
    return (await this.messages.sendCounts([campaignId])).get(campaignId) ?? { recipients: 0, sent: 0, failed: 0 };
  }

  private eventCounts(campaignId: string) {
    return this.events.campaignEventCounts(campaignId, ['opened', 'clicked', 'unsubscribed', 'complained', 'bounced']);
  }

  private async links(campaignId: string): Promise<CampaignStats['clicks']['links']> {
    const rows = await this.events.campaignLinkClicks(campaignId);
    return rows.sort((a, b) => b.total - a.total || a.url.localeCompare(b.url));
  }

  /** The stats' `timeline` (`partIds` as in engagementOverTime). */
  async timeline(
    campaignId: string,
    startedAt: Date | null,
    partIds: string[] = [campaignId],
  ): Promise<CampaignStats['timeline']> {
    if (!startedAt) return [];
    const start = new Date(startedAt).getTime();
    const hours = Math.min(TIMELINE_HOURS, Math.floor((Date.now() - start) / HOUR_MS) + 1);
    const rows = await this.events.campaignEngagementBuckets(campaignId, HOUR_MS / 1000, partIds);
    const timeline = Array.from({ length: Math.max(0, hours) }, (_, i) => ({
      hour: new Date(start + i * HOUR_MS).toISOString(),
      opens: 0,
      clicks: 0,
    }));
    for (const r of rows) {
      const slot = timeline[r.bucket];
      if (slot) slot[r.type === 'opened' ? 'opens' : 'clicks'] += r.count;
    }
    return timeline;
  }
}
