import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Brackets, DataSource, In } from 'typeorm';
import { updateReturningIds } from '../database/update-returning';
import { Message, MessageStatus } from '../delivery/message.entity';
import { Campaign } from './campaign.entity';

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

/** A message of a batch, as the sender needs it. */
export type BatchMessage = Pick<
  Message,
  'id' | 'subscriberId' | 'toEmail' | 'toName' | 'status' | 'attempts' | 'updatedAt'
>;

/** Rows inserted per statement: well under the parameter limits of both databases. */
const INSERT_CHUNK = 500;

/**
 * A campaign's rows in `messages`: one per recipient (unique per campaign and subscriber), the record of
 * what was sent to whom. Claims are compare-and-set on `attempts`, so one message is handed to SMTP by
 * one worker at a time whatever the queue does.
 */
@Injectable()
export class CampaignMessagesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Adds a row for each recipient who has none yet, and answers the ids of the rows added, in the order
   * given. A recipient whose row exists (a prepare run again after a crash) is left as it is.
   */
  async addRecipients(
    campaign: Pick<Campaign, 'id' | 'templateVersionId'>,
    recipients: Recipient[],
  ): Promise<string[]> {
    if (!recipients.length) return [];
    const repo = this.dataSource.getRepository(Message);
    const existing = await repo.find({
      select: { subscriberId: true },
      where: { campaignId: campaign.id, subscriberId: In(recipients.map((r) => r.subscriberId)) },
    });
    const have = new Set(existing.map((m) => m.subscriberId));
    const rows = recipients
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
      await repo
        .createQueryBuilder()
        .insert()
        .into(Message)
        .values(rows.slice(i, i + INSERT_CHUNK))
        .orIgnore()
        .updateEntity(false)
        .execute();
    }
    if (!rows.length) return [];
    const mine = new Set(
      (await repo.find({ select: { id: true }, where: { id: In(rows.map((r) => r.id)) } })).map((m) => m.id),
    );
    return rows.filter((r) => mine.has(r.id)).map((r) => r.id);
  }

  /** The messages among `ids` still to be sent (queued, or left 'sending' by a worker that died). */
  unsent(campaignId: string, ids: string[]): Promise<BatchMessage[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.dataSource.getRepository(Message).find({
      select: {
        id: true,
        subscriberId: true,
        toEmail: true,
        toName: true,
        status: true,
        attempts: true,
        updatedAt: true,
      },
      where: { campaignId, id: In(ids), status: In(['queued', 'sending'] satisfies MessageStatus[]) },
    });
  }

  /**
   * Takes a message for sending: 'sending', one more attempt, its Message-ID. Only if it is still as it was
   * read (status and attempts): of two workers holding the same row, one wins.
   */
  async claim(message: BatchMessage, smtpMessageId: string): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Message)
      .set({ status: 'sending', smtpMessageId, attempts: message.attempts + 1, updatedAt: new Date() })
      .where({ id: message.id, status: message.status, attempts: message.attempts })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Takes several queued messages for sending in one statement: 'sending', one more attempt, Message-ID
   * `<id@domain>`. Answers the ids taken; a message another worker took meanwhile is not among them.
   */
  async claimQueued(campaignId: string, ids: string[], domain: string): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const suffix = `@${domain.replace(/[^A-Za-z0-9.-]/g, '')}>`;
    const qb = this.dataSource
      .createQueryBuilder()
      .update(Message)
      .set({
        status: 'sending',
        smtpMessageId: () => `'<' || id || '${suffix}'`,
        attempts: () => 'attempts + 1',
        updatedAt: new Date(),
      })
      .where({ campaignId, id: In(ids), status: 'queued' });
    return new Set(await updateReturningIds(this.dataSource.manager, qb));
  }

  /**
   * Gives back messages taken but never handed to SMTP (the batch stopped first): queued again with the
   * attempt undone, or 'cancelled' when the campaign was.
   */
  async release(ids: string[], cancelled: boolean): Promise<void> {
    if (!ids.length) return;
    await this.dataSource
      .createQueryBuilder()
      .update(Message)
      .set(cancelled ? { status: 'cancelled' } : { status: 'queued', attempts: () => 'attempts - 1' })
      .where({ id: In(ids), status: 'sending' })
      .execute();
  }

  /** Ids of every message of the campaign still to be sent, in id order (what recovery re-enqueues). */
  async pendingIds(campaignId: string): Promise<string[]> {
    const rows = await this.dataSource.getRepository(Message).find({
      select: { id: true },
      where: { campaignId, status: In(['queued', 'sending'] satisfies MessageStatus[]) },
      order: { id: 'ASC' },
    });
    return rows.map((r) => r.id);
  }

  /** Cancelling: every message not yet taken for sending is 'cancelled' (one statement, no event per row). */
  async cancelQueued(campaignId: string): Promise<number> {
    const result = await this.dataSource
      .getRepository(Message)
      .update({ campaignId, status: 'queued' }, { status: 'cancelled' });
    return result.affected ?? 0;
  }

  /** The campaign is 'sent' once its audience is resolved and nothing is queued or being sent. */
  async finishIfDone(campaignId: string): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Campaign)
      .set({ status: 'sent', finishedAt: new Date() })
      .where({ id: campaignId, status: 'sending' })
      .andWhere('prepared_at IS NOT NULL')
      .andWhere(
        new Brackets((qb) =>
          qb.where(
            `NOT EXISTS (SELECT 1 FROM messages m WHERE m.campaign_id = :campaignId AND m.status IN ('queued', 'sending'))`,
            { campaignId },
          ),
        ),
      )
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async progress(campaignIds: string[]): Promise<Map<string, Progress>> {
    const out = new Map<string, Progress>(campaignIds.map((id) => [id, emptyProgress()]));
    if (!campaignIds.length) return out;
    const rows: Array<{ campaignId: string; status: MessageStatus; n: string | number }> = await this.dataSource
      .getRepository(Message)
      .createQueryBuilder('m')
      .select('m.campaign_id', 'campaignId')
      .addSelect('m.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .where('m.campaign_id IN (:...campaignIds)', { campaignIds })
      .groupBy('m.campaign_id')
      .addGroupBy('m.status')
      .getRawMany();
    for (const row of rows) {
      const p = out.get(row.campaignId);
      if (!p) continue;
      const n = Number(row.n);
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
