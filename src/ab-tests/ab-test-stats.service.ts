import { Injectable, NotFoundException } from '@nestjs/common';
import { AbTestSettings, rateOf, variantLabel } from '../campaigns/ab-test';
import { CampaignRepository } from '../campaigns/campaign.repository';
import { CampaignStats, CampaignStatsService } from '../tracking/campaign-stats.service';

const HOUR_MS = 3_600_000;

/** One variant of an A/B test in its report: what its test send did. */
export interface VariantStats {
  index: number;
  /** "A", "B", … */
  label: string;
  subject: string;
  recipients: number;
  sent: number;
  /** unique and total human opens; `machine`: opens of mail-privacy proxies (never counted for the winner) */
  opens: { unique: number; total: number; machine: number };
  clicks: { unique: number; total: number };
  /** unique human opens (or clicks, by the test's metric) per mail sent, 0–1 */
  rate: number;
  winner: boolean;
}

/** An A/B test's part of the stats. */
export interface AbTestStats extends AbTestSettings {
  /** when the winner is chosen (if every variant is sent by then) */
  decideAt: string | null;
  winner: { index: number; label: string } | null;
  /** the winner's send to the rest of the audience, once it started */
  rest: { recipients: number; sent: number } | null;
}

export type CampaignStatsWithVariants = CampaignStats & { variants?: VariantStats[]; abTest?: AbTestStats };

/**
 * GET /api/campaigns/:id/stats with A/B tests: a test's numbers are its children's summed (each message belongs to
 * one child, so unique counts add up), with each variant's and the winner. The timeline counts every child's
 * opens and clicks by the hour from the parent's start. A plain campaign's stats are as they were.
 */
@Injectable()
export class AbTestStatsService {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly plain: CampaignStatsService,
  ) {}

  /**
   * The campaigns whose messages make `campaignId`'s numbers: an A/B test's hidden children (none before it
   * starts), else the campaign itself. For what the report reads by campaign besides the stats (chart, bounces).
   */
  async partsOf(campaignId: string): Promise<string[]> {
    const campaign = await this.campaigns.findById(campaignId);
    if (!campaign?.abTest) return [campaignId];
    return (await this.campaigns.findChildren([campaignId])).map((c) => c.id);
  }

  async stats(campaignId: string): Promise<CampaignStatsWithVariants> {
    const campaign = await this.campaigns.findById(campaignId);
    if (!campaign) throw new NotFoundException(`Campaign ${campaignId} not found`);
    if (!campaign.abTest) return this.plain.stats(campaignId);
    const children = await this.campaigns.findChildren([campaign.id]);
    const [each, timeline] = await Promise.all([
      Promise.all(children.map(async (c) => ({ c, s: await this.plain.stats(c.id) }))),
      this.plain.timeline(
        campaign.id,
        campaign.startedAt,
        children.map((c) => c.id),
      ),
    ]);
    const tests = each.filter(({ c }) => c.audienceSlice?.kind === 'hash');
    const rest = each.find(({ c }) => c.audienceSlice?.kind === 'rest');
    const variants = (campaign.variants ?? []).map((v, index): VariantStats => {
      const s = tests.find(({ c }) => c.variantIndex === index)?.s;
      const sent = s?.sent ?? 0;
      const opens = s?.opens ?? { unique: 0, total: 0, machine: 0 };
      const clicks = { unique: s?.clicks.unique ?? 0, total: s?.clicks.total ?? 0 };
      return {
        index,
        label: variantLabel(index),
        subject: v.subject,
        recipients: s?.recipients ?? 0,
        sent,
        opens,
        clicks,
        rate: rateOf({ sent, opens: opens.unique, clicks: clicks.unique }, campaign.abTest!.metric),
        winner: campaign.abWinner === index,
      };
    });
    return {
      ...sumOf(each.map(({ s }) => s)),
      timeline,
      variants,
      abTest: {
        ...campaign.abTest,
        decideAt: campaign.startedAt
          ? new Date(new Date(campaign.startedAt).getTime() + campaign.abTest.waitHours * HOUR_MS).toISOString()
          : null,
        winner:
          campaign.abWinner === null ? null : { index: campaign.abWinner, label: variantLabel(campaign.abWinner) },
        rest: rest ? { recipients: rest.s.recipients, sent: rest.s.sent } : null,
      },
    };
  }
}

/** The children's stats added up (all but the timeline). */
function sumOf(parts: CampaignStats[]): Omit<CampaignStats, 'timeline'> {
  const total: Omit<CampaignStats, 'timeline'> = {
    recipients: 0,
    sent: 0,
    failed: 0,
    bounced: 0,
    opens: { unique: 0, total: 0, machine: 0 },
    clicks: { unique: 0, total: 0, scanner: 0, links: [] },
    unsubscribes: 0,
    complaints: 0,
  };
  const links = new Map<string, { url: string; unique: number; total: number }>();
  for (const s of parts) {
    for (const key of ['recipients', 'sent', 'failed', 'bounced', 'unsubscribes', 'complaints'] as const)
      total[key] += s[key];
    for (const key of ['unique', 'total', 'machine'] as const) total.opens[key] += s.opens[key];
    for (const key of ['unique', 'total', 'scanner'] as const) total.clicks[key] += s.clicks[key];
    for (const l of s.clicks.links) {
      const sum = links.get(l.url) ?? { url: l.url, unique: 0, total: 0 };
      sum.unique += l.unique;
      sum.total += l.total;
      links.set(l.url, sum);
    }
  }
  total.clicks.links = [...links.values()].sort((a, b) => b.total - a.total || a.url.localeCompare(b.url));
  return total;
}
