import { Injectable } from '@nestjs/common';
import type { SqlCondition } from '../database/sql-condition';
import { SuppressionService } from '../delivery/suppression.service';
import { SegmentsService } from '../segments/segments.service';
import { SubscriberRepository } from '../subscribers/subscriber.repository';
import { AudienceSlices } from './ab-audience';
import type { AudienceSpec } from './audience-spec';
import { Recipient } from './campaign-messages.service';

/** Subscribers read per query when counting an audience. */
const COUNT_PAGE = 1000;

/** Why a recipient no longer gets the campaign; null: they still do. */
export type Ineligibility = 'deleted' | 'blocklisted' | 'not subscribed' | 'suppressed';

/**
 * Who a campaign goes to: the enabled subscribers with a confirmed membership of at least one of its
 * lists, less suppressed addresses (hard bounces, complaints, erased people).
 * - Each address once: subscribers are unique by address, and a person on several lists is one row.
 * - Someone who left one of the lists but is still confirmed on another of them gets it (through that one).
 * - Only confirmed memberships count, on every list: single opt-in members are confirmed at once, so this
 *   only leaves out the unconfirmed members of double opt-in lists (and of lists switched to single later).
 * - With a segment, only the members it matches: its rules are part of the page query, so the count (review step)
 *   and the resolved messages follow the same rules. A segment is judged when the audience is resolved into
 *   messages; the check before each message goes out (ineligibleAmong) is about consent and suppression only, so
 *   someone who stops matching mid-send (say, an "opened in the last 90 days" that ages out) still gets it.
 */
@Injectable()
export class AudienceService {
  constructor(
    private readonly subscribers: SubscriberRepository,
    private readonly suppressions: SuppressionService,
    private readonly segments: SegmentsService,
    private readonly slices: AudienceSlices,
  ) {}

  /** One page of the audience after subscriber id `after` (keyset order), suppressed addresses removed. */
  async page(
    spec: AudienceSpec,
    after: string | null,
    limit: number,
  ): Promise<{ recipients: Recipient[]; last: string | null }> {
    return this.pageWith(spec, await this.segmentOf(spec), after, limit);
  }

  /** `page` with the segment's condition already read (count and first read it once for all their pages). */
  private async pageWith(
    spec: AudienceSpec,
    segment: SqlCondition | undefined,
    after: string | null,
    limit: number,
  ): Promise<{ recipients: Recipient[]; last: string | null }> {
    if (!spec.listIds.length) return { recipients: [], last: null };
    const rows: Recipient[] = await this.subscribers.eligibleAudiencePage(spec.listIds, after, limit, segment);
    const suppressed = await this.suppressions.suppressedAmong(rows.map((r) => r.email));
    const eligible = suppressed.size ? rows.filter((r) => !suppressed.has(r.email)) : rows;
    return {
      recipients: await this.slices.keep(spec.slice, eligible),
      last: rows.length ? rows[rows.length - 1].subscriberId : null,
    };
  }

  /**
   * How many people a campaign to `listIds` would reach now: the same rules as `page` (so the same
   * suppression check), counted page by page.
   */
  async count(spec: AudienceSpec): Promise<number> {
    if (!spec.listIds.length) return 0;
    const segment = await this.segmentOf(spec);
    let total = 0;
    let after: string | null = null;
    for (;;) {
      const page = await this.pageWith(spec, segment, after, COUNT_PAGE);
      total += page.recipients.length;
      if (!page.last) return total;
      after = page.last;
    }
  }

  /** The first recipient the campaign would reach (for previews and test sends), or null. */
  async first(spec: AudienceSpec): Promise<Recipient | null> {
    if (!spec.listIds.length) return null;
    const segment = await this.segmentOf(spec);
    let after: string | null = null;
    for (;;) {
      const page = await this.pageWith(spec, segment, after, 50);
      if (page.recipients.length) return page.recipients[0];
      if (!page.last) return null;
      after = page.last;
    }
  }

  /**
   * The check right before messages are handed to SMTP, for a few recipients at once (two queries):
   * those no longer to be sent to, by message id.
   */
  async ineligibleAmong(
    spec: AudienceSpec,
    recipients: Array<{ id: string; subscriberId: string | null; toEmail: string }>,
  ): Promise<Map<string, Ineligibility>> {
    const out = new Map<string, Ineligibility>();
    const subscriberIds = recipients.map((r) => r.subscriberId).filter((id): id is string => !!id);
    if (!subscriberIds.length) return new Map(recipients.map((r) => [r.id, 'deleted']));
    const rows = await this.subscribers.audienceStatusOf(subscriberIds, spec.listIds);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const suppressed = await this.suppressions.suppressedAmong(recipients.map((r) => r.toEmail));
    for (const r of recipients) {
      const row = r.subscriberId ? byId.get(r.subscriberId) : undefined;
      const why: Ineligibility | null = !row
        ? 'deleted'
        : suppressed.has(r.toEmail)
          ? 'suppressed'
          : row.status !== 'enabled'
            ? 'blocklisted'
            : !Number(row.member)
              ? 'not subscribed'
              : null;
      if (why) out.set(r.id, why);
    }
    return out;
  }

  /** The segment's rules as a condition of the page query, read once per count or resolve step. */
  private async segmentOf(spec: AudienceSpec): Promise<SqlCondition | undefined> {
    return spec.segmentId ? this.segments.conditionOf(spec.segmentId) : undefined;
  }
}
