import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { Campaign } from '../campaigns/campaign.entity';
import { countOf, StatsSql, statsSqlOf } from './stats-sql';

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
  private readonly sql: StatsSql;

  constructor(@InjectDataSource() private readonly db: DataSource) {
    this.sql = statsSqlOf(db);
  }

  async stats(campaignId: string): Promise<CampaignStats> {
    const campaign = await this.db
      .getRepository(Campaign)
      .findOne({ select: { id: true, startedAt: true }, where: { id: campaignId } });
    if (!campaign) throw new NotFoundException(`Campaign ${campaignId} not found`);
    const [messages, events, links, timeline] = await Promise.all([
      this.messageCounts(campaignId),
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

  private async messageCounts(campaignId: string): Promise<Pick<CampaignStats, 'recipients' | 'sent' | 'failed'>> {
    const row = await this.db
      .createQueryBuilder()
      .select('COUNT(*)', 'recipients')
      .addSelect('SUM(CASE WHEN m.sent_at IS NOT NULL THEN 1 ELSE 0 END)', 'sent')
      .addSelect("SUM(CASE WHEN m.status = 'failed' THEN 1 ELSE 0 END)", 'failed')
      .from('messages', 'm')
      .where('m.campaign_id = :campaignId', { campaignId })
      .getRawOne();
    return { recipients: countOf(row?.recipients), sent: countOf(row?.sent), failed: countOf(row?.failed) };
  }

  private async eventCounts(
    campaignId: string,
  ): Promise<{ type: EventType; machine: number; total: number; unique: number }[]> {
    const rows = await this.campaignEvents(campaignId)
      .select('e.type', 'type')
      .addSelect(this.sql.machineFlag, 'machine')
      .addSelect('COUNT(*)', 'total')
      .addSelect('COUNT(DISTINCT e.message_id)', 'uniq')
      .andWhere('e.type IN (:...types)', { types: ['opened', 'clicked', 'unsubscribed', 'complained', 'bounced'] })
      .groupBy('e.type')
      .addGroupBy(this.sql.machineFlag)
      .getRawMany();
    return rows.map((r) => ({
      type: r.type,
      machine: countOf(r.machine),
      total: countOf(r.total),
      unique: countOf(r.uniq),
    }));
  }

  private async links(campaignId: string): Promise<CampaignStats['clicks']['links']> {
    const rows = await this.campaignEvents(campaignId)
      .select(this.sql.clickedUrl, 'url')
      .addSelect('COUNT(*)', 'total')
      .addSelect('COUNT(DISTINCT e.message_id)', 'uniq')
      .andWhere("e.type = 'clicked'")
      .andWhere(`${this.sql.machineFlag} = 0`)
      .groupBy(this.sql.clickedUrl)
      .getRawMany();
    return rows
      .map((r) => ({ url: String(r.url), unique: countOf(r.uniq), total: countOf(r.total) }))
      .sort((a, b) => b.total - a.total || a.url.localeCompare(b.url));
  }

  private async timeline(campaignId: string, startedAt: Date | null): Promise<CampaignStats['timeline']> {
    if (!startedAt) return [];
    const start = new Date(startedAt).getTime();
    const hours = Math.min(TIMELINE_HOURS, Math.floor((Date.now() - start) / HOUR_MS) + 1);
    const rows = await this.campaignEvents(campaignId)
      .innerJoin('campaigns', 'c', 'c.id = m.campaign_id')
      .select(this.sql.hourAfterStart, 'hour')
      .addSelect('e.type', 'type')
      .addSelect('COUNT(*)', 'n')
      .andWhere("e.type IN ('opened', 'clicked')")
      .andWhere(`${this.sql.machineFlag} = 0`)
      .andWhere('e.at >= c.started_at')
      .groupBy(this.sql.hourAfterStart)
      .addGroupBy('e.type')
      .getRawMany();
    const timeline = Array.from({ length: Math.max(0, hours) }, (_, i) => ({
      hour: new Date(start + i * HOUR_MS).toISOString(),
      opens: 0,
      clicks: 0,
    }));
    for (const r of rows) {
      const slot = timeline[countOf(r.hour)];
      if (slot) slot[r.type === 'opened' ? 'opens' : 'clicks'] += countOf(r.n);
    }
    return timeline;
  }

  private campaignEvents(campaignId: string): SelectQueryBuilder<object> {
    return this.db
      .createQueryBuilder()
      .from('message_events', 'e')
      .innerJoin('messages', 'm', 'm.id = e.message_id')
      .where('m.campaign_id = :campaignId', { campaignId });
  }
}
