import type { AudienceSlice } from './ab-test';
import type { Campaign } from './campaign.entity';

/**
 * Who a campaign goes to, as AudienceService resolves it: the eligible members of `listIds`, with a
 * `segmentId` only those the segment matches when the audience is resolved, and, for a hidden child of an A/B
 * test, only its `slice` of them.
 */
export interface AudienceSpec {
  listIds: string[];
  segmentId?: string | null;
  /** A/B tests: the part of the audience a test variant or the winner's send gets (src/campaigns/ab-audience.ts) */
  slice?: AudienceSlice | null;
}

/** The audience a campaign row describes. */
export function audienceOf(campaign: Pick<Campaign, 'listIds' | 'segmentId' | 'audienceSlice'>): AudienceSpec {
  return { listIds: campaign.listIds, segmentId: campaign.segmentId ?? null, slice: campaign.audienceSlice };
}
