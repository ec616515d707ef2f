import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { Tx } from '../database/transaction';
import { suppressionHash } from '../delivery/suppression.service';
import { Bounce } from './bounce.entity';
import type { BounceReason, BounceType } from './bounce-reasons';

export type { Bounce } from './bounce.entity';

export type NewBounce = Omit<Bounce, 'id'>;

/** What the log keeps of one bounce's outcome: the address only as its hash and domain. */
export function logRowOf(
  outcome: { email: string; type: BounceType; reason: BounceReason; messageId: string | null; suppressed: boolean },
  source: string,
  campaignId: string | null,
  detail: string | null,
): NewBounce {
  const at = outcome.email.lastIndexOf('@');
  return {
    at: new Date(),
    type: outcome.type,
    reason: outcome.reason,
    source: source.slice(0, 16),
    domain:
      at > 0
        ? outcome.email
            .slice(at + 1)
            .toLowerCase()
            .slice(0, 255) || null
        : null,
    emailHash: suppressionHash(outcome.email),
    messageId: outcome.messageId,
    campaignId,
    detail,
    suppressed: outcome.suppressed,
  };
}

export interface ReasonCount {
  type: BounceType;
  reason: BounceReason;
  count: number;
}

export interface DomainCount {
  domain: string;
  count: number;
}

/** Per type, the messages of a campaign that got at least one bounce (or complaint) of that type. */
export type TypeCounts = Record<BounceType, number>;

/** The one owner of the `bounces` table: the log of bounces and complaints read, by address hash. */
@Injectable()
export class BounceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(row: NewBounce, tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).insert(Bounce, row);
  }

  /** The newest first. */
  recent(limit: number): Promise<Bounce[]> {
    return this.dataSource.manager.find(Bounce, { order: { at: 'DESC', id: 'DESC' }, take: limit });
  }

  /** How many bounces of each type and reason since `since`, the most frequent first. */
  async countsByReason(since: Date): Promise<ReasonCount[]> {
    const rows = await this.dataSource.manager
      .createQueryBuilder(Bounce, 'b')
      .select('b.type', 'type')
      .addSelect('b.reason', 'reason')
      .addSelect('COUNT(*)', 'n')
      .where('b.at >= :since', { since })
      .groupBy('b.type')
      .addGroupBy('b.reason')
      .orderBy('n', 'DESC')
      .addOrderBy('b.type')
      .addOrderBy('b.reason')
      .getRawMany<{ type: BounceType; reason: BounceReason; n: unknown }>();
    return rows.map((r) => ({ type: r.type, reason: r.reason, count: Number(r.n) || 0 }));
  }

  /** The `limit` domains with the most bounces since `since` (rows anonymised by erasure have none). */
  async countsByDomain(since: Date, limit: number): Promise<DomainCount[]> {
    const rows = await this.dataSource.manager
      .createQueryBuilder(Bounce, 'b')
      .select('b.domain', 'domain')
      .addSelect('COUNT(*)', 'n')
      .where('b.at >= :since', { since })
      .andWhere('b.domain IS NOT NULL')
      .groupBy('b.domain')
      .orderBy('n', 'DESC')
      .addOrderBy('b.domain')
      .limit(limit)
      .getRawMany<{ domain: string; n: unknown }>();
    return rows.map((r) => ({ domain: r.domain, count: Number(r.n) || 0 }));
  }

  /**
   * Per type, the campaign's messages that got one or more of it: repeated delay warnings about one message count
   * once, and a message that bounced soft and then hard counts under both.
   */
  async typeCountsOfCampaign(campaignId: string): Promise<TypeCounts> {
    const rows = await this.dataSource.manager
      .createQueryBuilder(Bounce, 'b')
      .select('b.type', 'type')
      .addSelect('COUNT(DISTINCT b.message_id)', 'n')
      .where('b.campaign_id = :campaignId', { campaignId })
      .groupBy('b.type')
      .getRawMany<{ type: BounceType; n: unknown }>();
    const counts: TypeCounts = { hard: 0, soft: 0, blocked: 0, complaint: 0 };
    for (const r of rows) if (r.type in counts) counts[r.type] = Number(r.n) || 0;
    return counts;
  }

  /** Erasure: the rows stay for the numbers, without anything that leads back to the person. */
  async anonymiseAmong(hashes: string[], tx?: Tx): Promise<void> {
    if (!hashes.length) return;
    await (tx ?? this.dataSource.manager).update(
      Bounce,
      { emailHash: In(hashes) },
      { emailHash: null, domain: null, detail: null },
    );
  }
}
