import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BatchMessage, CampaignMessageRow, MessageRepository } from '../delivery/message.repository';
import { Campaign, CampaignRepository } from './campaign.repository';

export type { BatchMessage } from '../delivery/message.repository';

export interface Progress {
  total: number;
  sent: number;
  /** failed after every attempt, or bounced */
  failed: number;
  /** queued or being sent */
  pending: number;
  /** not sent on purpose: unsubscribed, blocklisted or suppressed after the audience was resolved */
  skipped: number;
  cancelled: number;
}

export interface Recipient {
  subscriberId: string;
  email: string;
  name: string;
}

/** Rows inserted per statement: well under the parameter limits of both databases. */
const INSERT_CHUNK = 500;

/**
 * A campaign's rows in `messages` (through MessageRepository): one per recipient (unique per campaign and
 * subscriber), the record of what was sent to whom. Claims are compare-and-set on `attempts`, so one message
 * is handed to SMTP by one worker at a time whatever the queue does.
 */
@Injectable()
export class CampaignMessagesService {
  constructor(
    private readonly messages: MessageRepository,
    private readonly campaigns: CampaignRepository,
  ) {}

  /**
   * Adds a row for each recipient who has none yet, and answers the ids of the rows added, in the order
   * given. A recipient whose row exists (a prepare run again after a crash) is left as it is.
   */
  async addRecipients(
    campaign: Pick<Campaign, 'id' | 'templateVersionId'>,
    recipients: Recipient[],
  ): Promise<string[]> {
    if (!recipients.length) return [];
    const have = await this.messages.subscribersOfCampaign(
      campaign.id,
      recipients.map((r) => r.subscriberId),
    );
    const rows: CampaignMessageRow[] = recipients
      .filter((r) => !have.has(r.subscriberId))
      .map((r) => ({
        id: randomUUID(),
        stream: 'campaign' as const,
        kind: 'campaign' as const,
        campaignId: campaign.id,
        subscriberId: r.subscriberId,
        toEmail: r.email,
        toName: r.name ?? '',
        template: 'campaign',
        templateVersionId: campaign.templateVersionId,
        data: null,
        status: 'queued' as const,
        attempts: 0,
      }));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      // ON CONFLICT DO NOTHING: another prepare of the same campaign may have added the same people meanwhile.
      await this.messages.insertCampaignRows(rows.slice(i, i + INSERT_CHUNK));
    }
    if (!rows.length) return [];
    const mine = await this.messages.existingIds(rows.map((r) => r.id));
    return rows.filter((r) => mine.has(r.id)).map((r) => r.id);
  }

  /** The messages among `ids` still to be sent (queued, or left 'sending' by a worker that died). */
  unsent(campaignId: string, ids: string[]): Promise<BatchMessage[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.messages.unsentOfCampaign(campaignId, ids);
  }

  /**
   * Takes a message for sending: 'sending', one more attempt, its Message-ID. Only if it is still as it was
   * read (status and attempts): of two workers holding the same row, one wins.
   */
  claim(message: BatchMessage, smtpMessageId: string): Promise<boolean> {
    return this.messages.claim(message, smtpMessageId);
  }

  /**
   * Takes several queued messages for sending in one statement: 'sending', one more attempt, Message-ID
   * `<id@domain>`. Answers the ids taken; a message another worker took meanwhile is not among them.
   */
  async claimQueued(campaignId: string, ids: string[], domain: string): Promise<Set<string>> {
    if (!ids.length) return new Set();
    return this.messages.claimQueued(campaignId, ids, `@${domain.replace(/[^A-Za-z0-9.-]/g, '')}>`);
  }

  /**
   * Gives back messages taken but never handed to SMTP (the batch stopped first): queued again with the
   * attempt undone, or 'cancelled' when the campaign was.
   */
  async release(ids: string[], cancelled: boolean): Promise<void> {
    if (!ids.length) return;
    await this.messages.release(ids, cancelled);
  }

  /** After the audience was resolved into messages: see MessageRepository.refreshStatistics. */
  refreshStatistics(): Promise<void> {
    return this.messages.refreshStatistics();
  }

  /** Ids of every message of the campaign still to be sent, in id order (what recovery re-enqueues). */
  pendingIds(campaignId: string): Promise<string[]> {
    return this.messages.pendingIdsOfCampaign(campaignId);
  }

  /** Cancelling: every message not yet taken for sending is 'cancelled' (one statement, no event per row). */
  cancelQueued(campaignId: string): Promise<number> {
    return this.messages.cancelQueuedOfCampaign(campaignId);
  }

  /** The campaign is 'sent' once its audience is resolved and nothing is queued or being sent. */
  finishIfDone(campaignId: string): Promise<boolean> {
    return this.campaigns.finishIfDone(campaignId);
  }

  async progress(campaignIds: string[]): Promise<Map<string, Progress>> {
    const out = new Map<string, Progress>(campaignIds.map((id) => [id, emptyProgress()]));
    if (!campaignIds.length) return out;
    for (const row of await this.messages.statusCounts(campaignIds)) {
      const p = out.get(row.campaignId);
      if (!p) continue;
      const n = row.count;
      p.total += n;
      if (row.status === 'sent') p.sent += n;
      else if (row.status === 'failed' || row.status === 'bounced') p.failed += n;
      else if (row.status === 'queued' || row.status === 'sending') p.pending += n;
      else if (row.status === 'skipped') p.skipped += n;
      else if (row.status === 'cancelled') p.cancelled += n;
    }
    return out;
  }
}

function emptyProgress(): Progress {
  return { total: 0, sent: 0, failed: 0, pending: 0, skipped: 0, cancelled: 0 };
}
