import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Suppression } from '../delivery/suppression.entity';
import { suppressionHash, SuppressionService } from '../delivery/suppression.service';
import { Subscriber } from '../subscribers/subscriber.entity';
import { Recipient } from './campaign-messages.service';

/** Why a recipient no longer gets the campaign; null: they still do. */
export type Ineligibility = 'deleted' | 'blocklisted' | 'not subscribed' | 'suppressed';

/**
 * Who a campaign goes to: the enabled subscribers with a confirmed membership of at least one of its
 * lists, less suppressed addresses (hard bounces, complaints, erased people).
 * - Each address once: subscribers are unique by address, and a person on several lists is one row.
 * - Someone who left one of the lists but is still confirmed on another of them gets it (through that one).
 * - Only confirmed memberships count, on every list: single opt-in members are confirmed at once, so this
 *   only leaves out the unconfirmed members of double opt-in lists (and of lists switched to single later).
 */
@Injectable()
export class AudienceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly suppressions: SuppressionService,
  ) {}

  /** One page of the audience after subscriber id `after` (keyset order), suppressed addresses removed. */
  async page(listIds: string[], after: string | null, limit: number): Promise<{ recipients: Recipient[]; last: string | null }> {
    const qb = this.dataSource
      .getRepository(Subscriber)
      .createQueryBuilder('s')
      .select(['s.id AS "subscriberId"', 's.email AS "email"', 's.name AS "name"'])
      .where(`s.status = 'enabled'`)
      .andWhere(
        `EXISTS (SELECT 1 FROM subscriptions x WHERE x.subscriber_id = s.id AND x.list_id IN (:...listIds) AND x.status = 'confirmed')`,
        { listIds },
      )
      .orderBy('s.id', 'ASC')
      .limit(limit);
    if (after) qb.andWhere('s.id > :after', { after });
    const rows: Recipient[] = await qb.getRawMany();
    const suppressed = await this.suppressions.suppressedAmong(rows.map((r) => r.email));
    return {
      recipients: suppressed.size ? rows.filter((r) => !suppressed.has(suppressionHash(r.email))) : rows,
      last: rows.length ? rows[rows.length - 1].subscriberId : null,
    };
  }

  /** The check right before a message is handed to SMTP: one query. */
  async ineligibility(listIds: string[], subscriberId: string | null, email: string): Promise<Ineligibility | null> {
    if (!subscriberId) return 'deleted';
    const row: { status: string; member: number | string; suppressed: number | string } | undefined = await this.dataSource
      .getRepository(Subscriber)
      .createQueryBuilder('s')
      .select('s.status', 'status')
      .addSelect(
        `CASE WHEN EXISTS (SELECT 1 FROM subscriptions x WHERE x.subscriber_id = s.id AND x.list_id IN (:...listIds) AND x.status = 'confirmed') THEN 1 ELSE 0 END`,
        'member',
      )
      .addSelect(`CASE WHEN EXISTS (SELECT 1 FROM ${this.suppressionTable} p WHERE p.email_hash = :hash) THEN 1 ELSE 0 END`, 'suppressed')
      .where('s.id = :subscriberId', { subscriberId, listIds, hash: suppressionHash(email) })
      .getRawOne();
    if (!row) return 'deleted';
    if (Number(row.suppressed)) return 'suppressed';
    if (row.status !== 'enabled') return 'blocklisted';
    if (!Number(row.member)) return 'not subscribed';
    return null;
  }

  private get suppressionTable(): string {
    return this.dataSource.getMetadata(Suppression).tableName;
  }
}
