import { Injectable, NotFoundException } from '@nestjs/common';
import { BounceRepository, TypeCounts } from '../../bounces/bounce.repository';
import { type Campaign, CampaignRepository } from '../../campaigns/campaign.repository';
import { CampaignStats, CampaignStatsService, TIMELINE_HOURS } from '../../tracking/campaign-stats.service';
import { barChart } from '../charts/svg-chart';
import { countText, percentText } from '../format';

export interface ReportLink {
  url: string;
  unique: number;
  total: number;
  share: string;
}

/** What the report page shows: the same numbers as GET /api/campaigns/:id/stats, made readable. */
export interface CampaignReport {
  campaign: Pick<Campaign, 'id' | 'name' | 'subject' | 'status' | 'sendAt' | 'startedAt' | 'finishedAt'>;
  stats: CampaignStats;
  /** per type, the messages that got such a bounce or complaint (the bounce log) */
  bounceTypes: TypeCounts;
  hasData: boolean;
  rates: { open: string; click: string; bounce: string; unsubscribe: string };
  /** the server-drawn SVG (no user data in it but link-free labels), or null before the send started */
  chartSvg: string | null;
  chartHasEvents: boolean;
  links: ReportLink[];
  sending: boolean;
}

/** The numbers the report page polls while the campaign is sending (written into [data-field] elements). */
export type ReportCounters = Record<string, number | string | boolean>;

/**
 * Builds a campaign's report page from CampaignStatsService (aggregates only): headline numbers with
 * rates, opens and clicks per hour for the first 48 hours as a bar chart, and clicks per link.
 */
@Injectable()
export class CampaignReportService {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly stats: CampaignStatsService,
    private readonly bounces: BounceRepository,
  ) {}

  async report(campaignId: string): Promise<CampaignReport> {
    const { campaign, stats, bounceTypes } = await this.load(campaignId);
    const clicksTotal = stats.clicks.links.reduce((sum, l) => sum + l.total, 0);
    return {
      campaign,
      stats,
      bounceTypes,
      hasData: stats.recipients > 0,
      rates: ratesOf(stats),
      chartSvg: stats.timeline.length ? timelineChart(stats.timeline) : null,
      chartHasEvents: stats.timeline.some((h) => h.opens > 0 || h.clicks > 0),
      links: stats.clicks.links.map((l) => ({ ...l, share: percentText(l.total, clicksTotal) })),
      sending: campaign.status === 'sending',
    };
  }

  /** The headline numbers alone, for the page's live refresh while sending (no chart drawn). */
  async counters(campaignId: string): Promise<ReportCounters> {
    const { campaign, stats: s, bounceTypes: b } = await this.load(campaignId);
    const rates = ratesOf(s);
    return {
      recipients: countText(s.recipients),
      sent: countText(s.sent),
      failed: countText(s.failed),
      bounced: countText(s.bounced),
      bouncedHard: countText(b.hard),
      bouncedSoft: countText(b.soft),
      bouncedBlocked: countText(b.blocked),
      opensUnique: countText(s.opens.unique),
      opensTotal: countText(s.opens.total),
      opensMachine: countText(s.opens.machine),
      clicksUnique: countText(s.clicks.unique),
      clicksTotal: countText(s.clicks.total),
      unsubscribes: countText(s.unsubscribes),
      complaints: countText(s.complaints),
      openRate: rates.open,
      clickRate: rates.click,
      done: campaign.status !== 'sending',
    };
  }

  private async load(
    campaignId: string,
  ): Promise<{ campaign: CampaignReport['campaign']; stats: CampaignStats; bounceTypes: TypeCounts }> {
    const campaign = await this.campaigns.findReportHeader(campaignId);
    if (!campaign) throw new NotFoundException('There is no such campaign: it may have been deleted');
    const [stats, bounceTypes] = await Promise.all([
      this.stats.stats(campaignId),
      this.bounces.typeCountsOfCampaign(campaignId),
    ]);
    return { campaign, stats, bounceTypes };
  }
}

/** The rates the report shows, each of the messages sent. */
function ratesOf(stats: CampaignStats): CampaignReport['rates'] {
  return {
    open: percentText(stats.opens.unique, stats.sent),
    click: percentText(stats.clicks.unique, stats.sent),
    bounce: percentText(stats.bounced, stats.sent),
    unsubscribe: percentText(stats.unsubscribes, stats.sent),
  };
}

/**
 * Opens and clicks per hour since the send started, over the whole first 48 hours (the hours still to
 * come are empty), so the chart keeps its scale while the send is young. Labels are UTC clock hours.
 */
export function timelineChart(timeline: CampaignStats['timeline']): string {
  const start = new Date(timeline[0].hour).getTime();
  const hours = Array.from(
    { length: Math.max(TIMELINE_HOURS, timeline.length) },
    (_, i) => timeline[i] ?? { hour: new Date(start + i * 3_600_000).toISOString(), opens: 0, clicks: 0 },
  );
  const labels = hours.map((h, i) => {
    const iso = new Date(h.hour).toISOString();
    const hour = `${iso.slice(11, 13)}:00`;
    return i === 0 || hour === '00:00' ? `${iso.slice(5, 10)} ${hour}` : hour;
  });
  return barChart({
    labels,
    series: [
      { name: 'opens', values: hours.map((h) => h.opens) },
      { name: 'clicks', values: hours.map((h) => h.clicks) },
    ],
    title: `Opens and clicks per hour (UTC) over the first ${hours.length} hours of the send`,
  });
}
