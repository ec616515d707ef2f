import { Injectable } from '@nestjs/common';
import { MessageRepository } from '../delivery/message.repository';
import { AudienceSlice, slicePosition } from './ab-test';
import type { Recipient } from './campaign-messages.service';

/**
 * The slice of a page of the audience that an A/B test's hidden child gets (AudienceSpec.slice): a test variant
 * keeps the readers whose position is in its range; the winner's send keeps those who have no message of any
 * test variant, so each person is reached once across the test.
 */
@Injectable()
export class AudienceSlices {
  constructor(private readonly messages: MessageRepository) {}

  async keep(slice: AudienceSlice | null | undefined, recipients: Recipient[]): Promise<Recipient[]> {
    if (!slice || !recipients.length) return recipients;
    if (slice.kind === 'hash') {
      return recipients.filter((r) => {
        const at = slicePosition(slice.seed, r.subscriberId);
        return at >= slice.from && at < slice.to;
      });
    }
    const ids = recipients.map((r) => r.subscriberId);
    const reached = new Set<string | null>();
    for (const campaignId of slice.notReachedBy) {
      for (const id of await this.messages.subscribersOfCampaign(campaignId, ids)) reached.add(id);
    }
    return recipients.filter((r) => !reached.has(r.subscriberId));
  }
}
