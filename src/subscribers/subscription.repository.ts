import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, Not } from 'typeorm';
import type { Tx } from '../database/transaction';
import { Subscription, SubscriptionStatus } from './subscription.entity';
import type { Subscriber } from './subscriber.entity';

export type { Subscription, SubscriptionStatus } from './subscription.entity';

/** A membership as it is first written. */
export type NewSubscription = Pick<Subscription, 'subscriberId' | 'listId' | 'status' | 'confirmedAt'>;

/** A membership with its subscriber, as a list's export reads it. */
export type MemberRow = Subscription & { subscriber: Subscriber };

/** The memberships that count as being on a list: not left. */
const ACTIVE: SubscriptionStatus[] = ['unconfirmed', 'confirmed'];

/** The only code that reads and writes the `subscriptions` table (a subscriber's memberships of lists). */
@Injectable()
export class SubscriptionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A subscriber's memberships, oldest first. */
  findBySubscriber(subscriberId: string, tx?: Tx): Promise<Subscription[]> {
    return (tx ?? this.dataSource.manager).find(Subscription, {
      where: { subscriberId },
      order: { createdAt: 'ASC', listId: 'ASC' },
    });
  }

  /** The memberships of several subscribers, oldest first. */
  findBySubscribers(subscriberIds: string[]): Promise<Subscription[]> {
    return this.dataSource.manager.find(Subscription, {
      where: { subscriberId: In(subscriberIds) },
      order: { createdAt: 'ASC', listId: 'ASC' },
    });
  }

  /** A subscriber's memberships of `listIds`, only those in `statuses` when given. */
  findOfLists(
    subscriberId: string,
    listIds: string[],
    statuses?: SubscriptionStatus[],
    tx?: Tx,
  ): Promise<Subscription[]> {
    return (tx ?? this.dataSource.manager).findBy(Subscription, {
      subscriberId,
      listId: In(listIds),
      ...(statuses ? { status: In(statuses) } : {}),
    });
  }

  insert(row: NewSubscription, tx?: Tx): Promise<unknown> {
    return (tx ?? this.dataSource.manager).insert(Subscription, row);
  }

  /** Inserts memberships; one that exists already (a concurrent request added it first) is left as it is. */
  async insertIgnoringExisting(rows: NewSubscription[], tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager)
      .createQueryBuilder()
      .insert()
      .into(Subscription)
      .values(rows)
      .orIgnore()
      .updateEntity(false)
      .execute();
  }

  /** Confirms the subscriber's `unconfirmed` memberships of `listIds`. */
  async confirmUnconfirmed(subscriberId: string, listIds: string[], now: Date, tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).update(
      Subscription,
      { subscriberId, listId: In(listIds), status: 'unconfirmed' },
      { status: 'confirmed', confirmedAt: now },
    );
  }

  /**
   * Confirms the memberships of `listIds` that are in one of `from` (clearing when they were left). The status
   * condition makes a concurrent second confirm a no-op instead of moving confirmedAt.
   */
  async confirmFrom(
    subscriberId: string,
    listIds: string[],
    from: SubscriptionStatus[],
    now: Date,
    tx?: Tx,
  ): Promise<void> {
    await (tx ?? this.dataSource.manager).update(
      Subscription,
      { subscriberId, listId: In(listIds), status: In(from) },
      { status: 'confirmed', confirmedAt: now, unsubscribedAt: null },
    );
  }

  /** Confirms one membership at once, creating it or bringing it back (the preference centre). */
  async upsertConfirmed(subscriberId: string, listId: string, now: Date, tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).upsert(
      Subscription,
      { subscriberId, listId, status: 'confirmed', confirmedAt: now, unsubscribedAt: null },
      ['subscriberId', 'listId'],
    );
  }

  /**
   * Leaves the subscriber's active (unconfirmed or confirmed) memberships: those of `listIds`, or all of them.
   * The status condition makes a concurrent second call a no-op. Answers how many rows changed.
   */
  async leaveActive(subscriberId: string, listIds: string[] | 'all', now: Date, tx?: Tx): Promise<number> {
    const result = await (tx ?? this.dataSource.manager).update(
      Subscription,
      { subscriberId, ...(listIds === 'all' ? {} : { listId: In(listIds) }), status: In(ACTIVE) },
      { status: 'unsubscribed', unsubscribedAt: now },
    );
    return result.affected ?? 0;
  }

  /** Marks one membership left, whatever its status. */
  async markUnsubscribed(subscriberId: string, listId: string, now: Date, tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).update(
      Subscription,
      { subscriberId, listId },
      { status: 'unsubscribed', unsubscribedAt: now },
    );
  }

  /** Removes the subscriber's memberships of `listIds`, but keeps those they left (the record that they did). */
  async removeUnlessUnsubscribed(subscriberId: string, listIds: string[], tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).delete(Subscription, {
      subscriberId,
      listId: In(listIds),
      status: Not('unsubscribed'),
    });
  }

  /** Members of these lists that have not left (unconfirmed or confirmed), per list; one grouped query over the (list_id, status) index. */
  async countActiveByList(listIds: string[]): Promise<Map<string, number>> {
    if (listIds.length === 0) return new Map();
    const rows = await this.dataSource
      .getRepository(Subscription)
      .createQueryBuilder('m')
      .select('m.listId', 'listId')
      .addSelect('COUNT(*)', 'count')
      .where('m.listId IN (:...listIds)', { listIds })
      .andWhere('m.status IN (:...counted)', { counted: ACTIVE })
      .groupBy('m.listId')
      .getRawMany<{ listId: string; count: string | number }>();
    return new Map(rows.map((r) => [r.listId, Number(r.count)]));
  }

  /** One page of a list's members with their subscriber, in keyset order of subscriber id after `after`. */
  async membersPage(listId: string, after: string | undefined, limit: number): Promise<MemberRow[]> {
    const qb = this.dataSource
      .getRepository(Subscription)
      .createQueryBuilder('m')
      .innerJoinAndSelect('m.subscriber', 's')
      .where('m.listId = :listId', { listId })
      .orderBy('m.subscriberId', 'ASC')
      .limit(limit);
    if (after) qb.andWhere('m.subscriberId > :after', { after });
    return (await qb.getMany()) as MemberRow[];
  }

  /** The attribute keys a list's members have, sorted, at most `max`: found by the database, not by reading every row. */
  async attributeKeysOfList(listId: string, max: number): Promise<string[]> {
    const sql =
      this.dataSource.options.type === 'postgres'
        ? `SELECT DISTINCT x.key AS k FROM subscriptions m JOIN subscribers s ON s.id = m.subscriber_id
           CROSS JOIN LATERAL jsonb_object_keys(CASE WHEN jsonb_typeof(s.attributes) = 'object' THEN s.attributes ELSE '{}'::jsonb END) AS x(key)
           WHERE m.list_id = $1 ORDER BY 1 LIMIT ${max}`
        : `SELECT DISTINCT j.key AS k FROM subscriptions m JOIN subscribers s ON s.id = m.subscriber_id, json_each(s.attributes) j
           WHERE m.list_id = ? AND json_type(s.attributes) = 'object' ORDER BY 1 LIMIT ${max}`;
    const rows: { k: string }[] = await this.dataSource.query(sql, [listId]);
    return rows.map((r) => String(r.k));
  }
}
