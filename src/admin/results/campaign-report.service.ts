import { Injectable, NotFoundException } from '@nestjs/common';
import { BounceRepository, TypeCounts } from '../../bounces/bounce.repository';
import { type Campaign, CampaignRepository } from '../../campaigns/campaign.repository';
import { AbTestStatsService, CampaignStatsWithVariants } from '../../ab-tests/ab-test-stats.service';
import { CampaignStats, CampaignStatsService } from '../../tracking/campaign-stats.service';
import { barChart } from '../charts/svg-chart';
import { TimeAxis, timeAxisFor } from '../charts/time-axis';
import { countText, percentText } from '../format';
import { ReportTimes, reportTimes, zonedTickLabel } from './campaign-report-time';

export interface ReportLink {
  url: string;
  unique: number;
  total: number;
  share: string;
}

/** What the report page shows: the same numbers as GET /api/campaigns/:id/stats, made readable. */
export interface CampaignReport {
  campaign: Pick<Campaign, 'id' | 'name' | 'subject' | 'status' | 'sendAt' | 'startedAt' | 'finishedAt'>;
  /** its dates in the reader's time zone, the zone named */
  times: ReportTimes;
  stats: CampaignStatsWithVariants;
  /** per type, the messages that got such a bounce or complaint (the bounce log) */
  bounceTypes: TypeCounts;
  hasData: boolean;
  rates: { open: string; click: string; bounce: string; unsubscribe: string };
  /** the server-drawn SVG (no user data in it but link-free labels), or null before the send started */
  chartSvg: string | null;
  /** what one bar counts: "minute", "5 minutes", "hour", "day" */
  chartPer: string | null;
  chartHasEvents: boolean;
  links: ReportLink[];
  sending: boolean;
}

/** The numbers the report page polls while the campaign is sending (written into [data-field] elements). */
export type ReportCounters = Record<string, number | string | boolean>;

/**
 * Builds a campaign's report page from CampaignStatsService (aggregates only): headline numbers with
 * rates, opens and clicks over time as a bar chart (its axis spanning the data), and clicks per link.
 */
@Injectable()
export class CampaignReportService {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly stats: CampaignStatsService,
    private readonly bounces: BounceRepository,
    // an A/B test's numbers are its variants' and winner's summed, with each variant's (src/ab-tests)
    private readonly withVariants: AbTestStatsService,
  ) {}

  /** `zone`: the reader's time zone (their profile), in which dates and the chart's ticks are given. */
  async report(campaignId: string, zone = 'UTC'): Promise<CampaignReport> {
    const { campaign, parts, stats, bounceTypes } = await this.load(campaignId);
    const clicksTotal = stats.clicks.links.reduce((sum, l) => sum + l.total, 0);
    const chart = await this.chart(campaign, parts, zone);
    return {
      campaign,
      times: reportTimes(campaign, zone),
      stats,
      bounceTypes,
      hasData: stats.recipients > 0,
      rates: ratesOf(stats),
      chartSvg: chart?.svg ?? null,
      chartPer: chart?.axis.per ?? null,
      chartHasEvents: stats.opens.total + stats.clicks.total > 0,
      links: stats.clicks.links.map((l) => ({ ...l, share: percentText(l.total, clicksTotal) })),
      sending: campaign.status === 'sending',
    };
  }

  /**
   * Opens and clicks of the messages of `parts` (see load) over a time axis that spans the data (timeAxisFor):
   * from the start of the send to its last open or click, or to now when there is none yet. None before the send
   * starts.
   */
  private async chart(
    campaign: Pick<Campaign, 'id' | 'startedAt'>,
    parts: string[],
    zone: string,
  ): Promise<{ svg: string; axis: TimeAxis } | null> {
    if (!campaign.startedAt) return null;
    const started = new Date(campaign.startedAt);
    const span = (await this.stats.engagementSpan(campaign.id, parts)) ?? (Date.now() - started.getTime()) / 1000;
    const axis = timeAxisFor(span);
    const buckets = await this.stats.engagementOverTime(campaign.id, started, axis.bucketSeconds, axis.count, parts);
    return { svg: timelineChart(buckets, axis, zone), axis };
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

  /**
   * The campaign, the campaigns whose messages it reports (`parts`: an A/B test's hidden children, else itself),
   * its stats and its bounce types (summed over the parts: each message is one part's, so the counts add up).
   */
  private async load(campaignId: string): Promise<{
    campaign: CampaignReport['campaign'];
    parts: string[];
    stats: CampaignStatsWithVariants;
    bounceTypes: TypeCounts;
  }> {
    const campaign = await this.campaigns.findReportHeader(campaignId);
    if (!campaign) throw new NotFoundException('There is no such campaign: it may have been deleted');
    const parts = await this.withVariants.partsOf(campaignId);
    const [stats, ...partBounces] = await Promise.all([
      this.withVariants.stats(campaignId),
      ...parts.map((id) => this.bounces.typeCountsOfCampaign(id)),
    ]);
    const bounceTypes: TypeCounts = { hard: 0, soft: 0, blocked: 0, complaint: 0 };
    for (const counts of partBounces)
      for (const type of Object.keys(bounceTypes) as (keyof TypeCounts)[]) bounceTypes[type] += counts[type];
    return { campaign, parts, stats, bounceTypes };
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

/** The bars of the report's chart, one per bucket of `axis`, labelled in its unit on `zone`'s wall clock. */
export function timelineChart(
  buckets: { at: Date; opens: number; clicks: number }[],
  axis: TimeAxis,
  zone = 'UTC',
): string {
  const span = axis.count * axis.bucketSeconds;
  const over =
    span < 3600
      ? `${span / 60} minutes`
      : span < 2 * 86400
        ? `${Math.round(span / 3600)} hours`
        : `${Math.round(span / 86400)} days`;
  return barChart({
    labels: buckets.map((b, i) => zonedTickLabel(b.at, axis.unit, i === 0, zone)),
    series: [
      { name: 'opens', values: buckets.map((b) => b.opens) },
      { name: 'clicks', values: buckets.map((b) => b.clicks) },
    ],
    title: `Opens and clicks per ${axis.per} (${zone}) over the first ${over} of the send`,
  });
}
