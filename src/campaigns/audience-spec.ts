/**
 * Who a campaign is meant for, as AudienceService resolves it: the confirmed members of `listIds` and, with a
 * `segmentId`, only those the segment matches when the audience is resolved. Other features may add fields here
 * (A/B slices).
 */
export interface AudienceSpec {
  listIds: string[];
  segmentId?: string | null;
}

/** A campaign's audience as stored on it. */
export function audienceSpecOf(c: { listIds: string[]; segmentId?: string | null }): AudienceSpec {
  return { listIds: c.listIds, segmentId: c.segmentId ?? null };
}
