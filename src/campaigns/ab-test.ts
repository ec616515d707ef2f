import { createHash } from 'node:crypto';

export const AB_METRICS = ['opens', 'clicks'] as const;
export type AbMetric = (typeof AB_METRICS)[number];
export const MIN_VARIANTS = 2;
export const MAX_VARIANTS = 4;
/** The longest wait before the winner is chosen: 30 days. */
export const MAX_WAIT_HOURS = 720;

/** How an A/B test runs: `share` % of the audience gets the variants; after `waitHours` the winner goes to the rest. */
export interface AbTestSettings {
  share: number;
  metric: AbMetric;
  waitHours: number;
}

/**
 * One variant as the campaign keeps it: its subject, and its content when it has its own (else the campaign's):
 * a stored template (its current version is taken when sending starts) or inline MJML saved as a version.
 */
export interface CampaignVariant {
  subject: string;
  templateId: string | null;
  templateVersionId: string | null;
}

/**
 * The part of a campaign's audience a hidden child of an A/B test gets:
 * - `hash`: the test recipients of one variant, whose hash position (seeded by the parent's id) is in [from, to);
 * - `rest`: the winner's send, everyone not reached by `notReachedBy` (the test children).
 */
export type AudienceSlice =
  { kind: 'hash'; seed: string; from: number; to: number } | { kind: 'rest'; notReachedBy: string[] };

/** Positions are 48-bit integers (exact in a double): collisions among a million readers are negligible. */
export const POSITION_END = 2 ** 48;

/** Where a subscriber falls in the test of campaign `seed`: stable for the pair, unrelated between campaigns. */
export function slicePosition(seed: string, subscriberId: string): number {
  return createHash('sha256').update(`${seed}:${subscriberId}`).digest().readUIntBE(0, 6);
}

/**
 * The position ranges of each variant, so that of the `positions` (the audience when the test starts),
 * round(share % of them) are in the test, split evenly (counts differ by at most one), the lowest positions
 * first. Answers one [from, to) per variant.
 */
export function sliceBounds(positions: number[], share: number, variants: number): Array<[number, number]> {
  const sorted = Float64Array.from(positions).sort();
  const inTest = Math.round((sorted.length * share) / 100);
  // nobody to test (an empty audience): every range empty, so nobody who joins later is tested either
  if (!inTest) return Array.from({ length: variants }, () => [POSITION_END, POSITION_END] as [number, number]);
  const bound = (j: number): number => {
    const at = Math.floor((j * inTest) / variants);
    if (j === 0) return 0;
    return at < sorted.length ? sorted[at] : POSITION_END;
  };
  return Array.from({ length: variants }, (_, v) => [bound(v), bound(v + 1)] as [number, number]);
}

/** A test child's numbers that choose the winner. */
export interface VariantResult {
  sent: number;
  /** unique human opens (mail-privacy proxies left out) */
  opens: number;
  /** unique human clicks (link scanners left out) */
  clicks: number;
}

/** The share of the variant's sent mail that was opened (or clicked) by a person. */
export function rateOf(result: VariantResult, metric: AbMetric): number {
  return result.sent ? result[metric] / result.sent : 0;
}

/** The index of the variant with the best rate; on a tie the first of them (the editor's first choice). */
export function pickWinner(results: VariantResult[], metric: AbMetric): number {
  let best = 0;
  for (let i = 1; i < results.length; i++) if (rateOf(results[i], metric) > rateOf(results[best], metric)) best = i;
  return best;
}

/** "A", "B", … as the report names the variants. */
export const variantLabel = (index: number): string => String.fromCharCode(65 + index);
