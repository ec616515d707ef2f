import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Campaign } from '../../campaigns/campaign.entity';
import { CampaignStats, CampaignStatsService, TIMELINE_HOURS } from '../../tracking/campaign-stats.service';
import { barChart } from '../charts/svg-chart';

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
    @InjectDataSource() private readonly db: DataSource,
    private readonly stats: CampaignStatsService,
  ) {}

  async report(campaignId: string): Promise<CampaignReport> {
    const campaign = await this.db.getRepository(Campaign).findOne({
      select: { id: true, name: true, subject: true, status: true, sendAt: true, startedAt: true, finishedAt: true },
      where: { id: campaignId },
    });
    if (!campaign) throw new NotFoundException('There is no such campaign: it may have been deleted');
    const stats = await this.stats.stats(campaignId);
    const clicksTotal = stats.clicks.links.reduce((sum, l) => sum + l.total, 0);
    return {
      campaign,
      stats,
      hasData: stats.recipients > 0,
      rates: {
        open: rate(stats.opens.unique, stats.sent),
        click: rate(stats.clicks.unique, stats.sent),
        bounce: rate(stats.bounced, stats.sent),
        unsubscribe: rate(stats.unsubscribes, stats.sent),
      },
      chartSvg: stats.timeline.length ? timelineChart(stats.timeline) : null,
      chartHasEvents: stats.timeline.some((h) => h.opens > 0 || h.clicks > 0),
      links: stats.clicks.links.map((l) => ({ ...l, share: rate(l.total, clicksTotal) })),
      sending: campaign.status === 'sending',
    };
  }

  /** The headline numbers alone, for the page's live refresh while sending. */
  async counters(campaignId: string): Promise<ReportCounters> {
    const r = await this.report(campaignId);
    const s = r.stats;
    return {
      recipients: fmt(s.recipients),
      sent: fmt(s.sent),
      failed: fmt(s.failed),
      bounced: fmt(s.bounced),
      opensUnique: fmt(s.opens.unique),
      opensTotal: fmt(s.opens.total),
      opensMachine: fmt(s.opens.machine),
      clicksUnique: fmt(s.clicks.unique),
      clicksTotal: fmt(s.clicks.total),
      unsubscribes: fmt(s.unsubscribes),
      complaints: fmt(s.complaints),
      openRate: r.rates.open,
      clickRate: r.rates.click,
      done: !r.sending,
    };
  }
}

/** part of whole as a percentage with one decimal, or – when there is no whole. */
export function rate(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '–';
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Opens and clicks per hour since the send started, over the whole first 48 hours (the hours still to
 * come are empty), so the chart keeps its scale while the send is young. Labels are UTC clock hours.
 */
export function timelineChart(timeline: CampaignStats['timeline']): string {
  const start = new Date(timeline[0].hour).getTime();
  const hours = Array.from({ length: Math.max(TIMELINE_HOURS, timeline.length) }, (_, i) => timeline[i] ?? { hour: new Date(start + i * 3_600_000).toISOString(), opens: 0, clicks: 0 });
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
