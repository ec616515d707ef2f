import { Injectable } from '@nestjs/common';
import { SuppressionService } from '../delivery/suppression.service';
import { SegmentSnapshot, SegmentsService } from '../segments/segments.service';
import { SubscriberRepository } from '../subscribers/subscriber.repository';
import { AudienceSlices } from './ab-audience';
import type { AudienceSpec } from './audience-spec';
import { Recipient } from './campaign-messages.service';

/** Subscribers read per query when counting an audience. */
const COUNT_PAGE = 1000;
/** Subscribers read per query when looking for the first recipient. */
const FIRST_PAGE = 50;

interface AudiencePage {
  recipients: Recipient[];
  last: string | null;
}

/** Why a recipient no longer gets the campaign; null: they still do. */
export type Ineligibility = 'deleted' | 'blocklisted' | 'not subscribed' | 'suppressed';

/**
 * Who a campaign goes to: the enabled subscribers with a confirmed membership of at least one of its
 * lists, less suppressed addresses (hard bounces, complaints, erased people).
 * - Each address once: subscribers are unique by address, and a person on several lists is one row.
 * - Someone who left one of the lists but is still confirmed on another of them gets it (through that one).
 * - Only confirmed memberships count, on every list: single opt-in members are confirmed at once, so this
 *   only leaves out the unconfirmed members of double opt-in lists (and of lists switched to single later).
 * - With a segment, only the members it matches: matched once when the reading starts (a snapshot, see `pages`),
 *   for the count (review step) as for the resolved messages, so both follow the same rules. A segment is judged
 *   when the audience is resolved into messages; the check before each message goes out (ineligibleAmong) is about
 *   consent and suppression only, so someone who stops matching mid-send (say, an "opened in the last 90 days"
 *   that ages out) still gets it.
 */
@Injectable()
export class AudienceService {
  constructor(
    private readonly subscribers: SubscriberRepository,
    private readonly suppressions: SuppressionService,
    private readonly segments: SegmentsService,
    private readonly slices: AudienceSlices,
  ) {}

  /**
   * The audience, page by page (up to `limit` recipients each, in subscriber-id order, suppressed addresses
   * removed; pages left empty by that are skipped). With a segment, its rules run once, when the reading starts:
   * the people it matches are kept in a snapshot read page by page, and dropped when the reading ends (completed,
   * or stopped by the caller with `break`/`return`/a throw). A resolve that starts again (after a restart) takes a
   * new snapshot and reads from the start; messages already made are not made again (CampaignMessagesService).
   */
  async *pages(spec: AudienceSpec, limit: number): AsyncGenerator<Recipient[]> {
    if (!spec.listIds.length) return;
    const snapshot = spec.segmentId ? await this.segments.snapshot(spec.segmentId, spec.listIds) : null;
    try {
      let after: string | null = null;
      for (;;) {
        const page: AudiencePage = snapshot
          ? await this.snapshotPage(spec, snapshot, after, limit)
          : await this.listPage(spec, after, limit);
        if (page.recipients.length) yield page.recipients;
        if (!page.last) return;
        after = page.last;
      }
    } finally {
      await snapshot?.drop();
    }
  }

  /** How many people a campaign to `listIds` would reach now: the same rules as `pages` (so the same suppression check). */
  async count(spec: AudienceSpec): Promise<number> {
    let total = 0;
    for await (const recipients of this.pages(spec, COUNT_PAGE)) total += recipients.length;
    return total;
  }

  /** The first recipient the campaign would reach (for previews and test sends), or null. */
  async first(spec: AudienceSpec): Promise<Recipient | null> {
    for await (const recipients of this.pages(spec, FIRST_PAGE)) return recipients[0];
    return null;
  }

  /** The list members after subscriber id `after` (keyset order); `last`: the last one read, null at the end. */
  private async listPage(spec: AudienceSpec, after: string | null, limit: number): Promise<AudiencePage> {
    const rows = await this.subscribers.eligibleAudiencePage(spec.listIds, after, limit);
    return {
      recipients: await this.eligible(spec, rows),
      last: rows.length ? rows[rows.length - 1].subscriberId : null,
    };
  }

  /**
   * The segment's next `limit` matches after `after` that are still list members (checked again now); `last`: the
   * last match read, even when none of them is still eligible, so that the reading goes on; null at the end.
   */
  private async snapshotPage(
    spec: AudienceSpec,
    snapshot: SegmentSnapshot,
    after: string | null,
    limit: number,
  ): Promise<AudiencePage> {
    const ids = await snapshot.next(after, limit);
    if (!ids.length) return { recipients: [], last: null };
    const rows = await this.subscribers.eligibleAudiencePage(spec.listIds, null, limit, {
      sql: 's.id IN (:...snapshotIds)',
      params: { snapshotIds: ids },
    });
    return { recipients: await this.eligible(spec, rows), last: ids[ids.length - 1] };
  }

  /** Suppressed addresses removed, and for an A/B test's part only its slice. */
  private async eligible(spec: AudienceSpec, rows: Recipient[]): Promise<Recipient[]> {
    const suppressed = await this.suppressions.suppressedAmong(rows.map((r) => r.email));
    return this.slices.keep(spec.slice, suppressed.size ? rows.filter((r) => !suppressed.has(r.email)) : rows);
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
}
