import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, In, SelectQueryBuilder } from 'typeorm';
import type { SqlCondition } from '../database/sql-condition';
import type { Tx } from '../database/transaction';
import { Subscriber, SubscriberStatus } from './subscriber.entity';
import { Subscription, SubscriptionStatus } from './subscription.entity';

export type { Attributes, Subscriber, SubscriberStatus } from './subscriber.entity';

/** The fields a new subscriber is written with; the rest take their defaults. */
export type NewSubscriber = Pick<Subscriber, 'email' | 'emailKey' | 'name' | 'attributes' | 'status'>;

/** The filters of GET /api/subscribers, sorted out: `status` is either a subscriber's or a membership's. */
export interface SubscriberFilters {
  listId?: string;
  membershipStatus?: SubscriptionStatus;
  subscriberStatus?: SubscriberStatus;
  /** a LIKE pattern for lower-cased text, wildcards escaped */
  search?: string;
}

/** One recipient of a campaign's audience, as the audience query reads it. */
export interface AudienceRow {
  subscriberId: string;
  email: string;
  name: string;
}

/** A subscriber's status and whether they are a confirmed member of one of a campaign's lists. */
export interface AudienceStatus {
  id: string;
  email: string;
  name: string;
  status: string;
  member: number | string;
}

/** The only code that reads and writes the `subscribers` table. */
@Injectable()
export class SubscriberRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findById(id: string, tx?: Tx): Promise<Subscriber | null> {
    return (tx ?? this.dataSource.manager).findOneBy(Subscriber, { id });
  }

  /** As findById, but a subscriber gone meanwhile is an error (a 500), not null. */
  findByIdOrFail(id: string, tx?: Tx): Promise<Subscriber> {
    return (tx ?? this.dataSource.manager).findOneByOrFail(Subscriber, { id });
  }

  /** As findById, inside the caller's transaction; on PostgreSQL the row stays locked until it ends (SQLite's transactions already take turns). */
  findForUpdate(id: string, tx: Tx): Promise<Subscriber | null> {
    const lock = tx.connection.options.type === 'postgres' ? { mode: 'pessimistic_write' as const } : undefined;
    return tx.findOne(Subscriber, { where: { id }, lock });
  }

  findByEmailKey(emailKey: string, tx?: Tx): Promise<Subscriber | null> {
    return (tx ?? this.dataSource.manager).findOneBy(Subscriber, { emailKey });
  }

  /** Only the id of the subscriber with this key (one indexed read). */
  async idByEmailKey(emailKey: string): Promise<string | null> {
    const found = await this.dataSource.manager.findOne(Subscriber, { select: { id: true }, where: { emailKey } });
    return found?.id ?? null;
  }

  /** Only the address on file for this key, as it was written. */
  async emailByEmailKey(emailKey: string): Promise<string | null> {
    const found = await this.dataSource.manager.findOne(Subscriber, { select: { email: true }, where: { emailKey } });
    return found?.email ?? null;
  }

  /** Only the id and the address on file. */
  emailOf(id: string): Promise<Pick<Subscriber, 'id' | 'email'> | null> {
    return this.dataSource.manager.findOne(Subscriber, { select: { id: true, email: true }, where: { id } });
  }

  exists(id: string): Promise<boolean> {
    return this.dataSource.manager.exists(Subscriber, { where: { id } });
  }

  existsByEmailKey(emailKey: string, tx?: Tx): Promise<boolean> {
    return (tx ?? this.dataSource.manager).existsBy(Subscriber, { emailKey });
  }

  create(fields: NewSubscriber, tx?: Tx): Promise<Subscriber> {
    const m = tx ?? this.dataSource.manager;
    return m.save(m.create(Subscriber, fields));
  }

  save(subscriber: Subscriber, tx?: Tx): Promise<Subscriber> {
    return (tx ?? this.dataSource.manager).save(subscriber);
  }

  /** Deletes the subscriber; memberships go with it (ON DELETE CASCADE). False when there was none. */
  async delete(id: string, tx?: Tx): Promise<boolean> {
    const result = await (tx ?? this.dataSource.manager).delete(Subscriber, { id });
    return !!result.affected;
  }

  count(): Promise<number> {
    return this.dataSource.manager.count(Subscriber);
  }

  countByStatus(status: SubscriberStatus): Promise<number> {
    return this.dataSource.manager.countBy(Subscriber, { status });
  }

  /** The tracking choice of these subscribers (those that still exist). */
  trackingOf(ids: string[], tx?: Tx): Promise<Pick<Subscriber, 'id' | 'trackingEnabled'>[]> {
    if (!ids.length) return Promise.resolve([]);
    return (tx ?? this.dataSource.manager).find(Subscriber, {
      select: { id: true, trackingEnabled: true },
      where: { id: In(ids) },
    });
  }

  /** What a campaign mail is personalised with, for these subscribers (those that still exist). */
  profilesOf(ids: string[]): Promise<Pick<Subscriber, 'id' | 'attributes' | 'trackingEnabled'>[]> {
    return this.dataSource.manager.find(Subscriber, {
      select: { id: true, attributes: true, trackingEnabled: true },
      where: { id: In(ids) },
    });
  }

  /** Only the id and attributes of one subscriber. */
  attributesOf(id: string): Promise<Pick<Subscriber, 'id' | 'attributes'> | null> {
    return this.dataSource.manager.findOne(Subscriber, { select: { id: true, attributes: true }, where: { id } });
  }

  /**
   * Newest first, one page of the subscribers that pass the filters. Built to stay quick on a million
   * subscribers: the page walks the index on (created_at, id) (or the partial index of blocklisted ones,
   * or the list's memberships); a search scans.
   */
  filteredPage(f: SubscriberFilters, offset: number, limit: number): Promise<Subscriber[]> {
    return this.filtered(f)
      .orderBy('s.createdAt', 'DESC')
      .addOrderBy('s.id', 'DESC')
      .offset(offset)
      .limit(limit)
      .getMany();
  }

  /**
   * How many pass the filters, counted without ORDER BY. A list filtered only by membership status is
   * counted from the memberships alone, on the (list_id, status) index.
   */
  async countFiltered(f: SubscriberFilters): Promise<number> {
    if (f.listId && !f.subscriberStatus && !f.search) {
      return this.dataSource.manager.countBy(Subscription, {
        listId: f.listId,
        ...(f.membershipStatus ? { status: f.membershipStatus } : {}),
      });
    }
    const row = await this.filtered(f, true).select('COUNT(*)', 'count').getRawOne<{ count: string | number }>();
    return Number(row?.count ?? 0);
  }

  /**
   * One page of a campaign's audience after subscriber id `after` (keyset order): the enabled subscribers
   * with a confirmed membership of at least one of `listIds`, each once.
   */
  eligibleAudiencePage(
    listIds: string[],
    after: string | null,
    limit: number,
    segment?: SqlCondition,
  ): Promise<AudienceRow[]> {
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
    if (segment) qb.andWhere(segment.sql, segment.params);
    return qb.getRawMany<AudienceRow>();
  }

  /** How many subscribers (of any status) meet a condition on `s` (a segment's). */
  async countMatching(condition: SqlCondition): Promise<number> {
    const row = await this.dataSource
      .getRepository(Subscriber)
      .createQueryBuilder('s')
      .select('COUNT(*)', 'count')
      .where(condition.sql, condition.params)
      .getRawOne<{ count: string | number }>();
    return Number(row?.count ?? 0);
  }

  /** The newest few subscribers that meet a condition on `s`. */
  newestMatching(condition: SqlCondition, limit: number): Promise<Subscriber[]> {
    return this.dataSource
      .getRepository(Subscriber)
      .createQueryBuilder('s')
      .where(condition.sql, condition.params)
      .orderBy('s.createdAt', 'DESC')
      .addOrderBy('s.id', 'DESC')
      .limit(limit)
      .getMany();
  }

  /** For these subscribers (those that still exist): their status, and whether they are confirmed on one of `listIds`. */
  audienceStatusOf(ids: string[], listIds: string[]): Promise<AudienceStatus[]> {
    return this.dataSource
      .getRepository(Subscriber)
      .createQueryBuilder('s')
      .select('s.id', 'id')
      .addSelect('s.email', 'email')
      .addSelect('s.name', 'name')
      .addSelect('s.status', 'status')
      .addSelect(
        `CASE WHEN EXISTS (SELECT 1 FROM subscriptions x WHERE x.subscriber_id = s.id AND x.list_id IN (:...listIds) AND x.status = 'confirmed') THEN 1 ELSE 0 END`,
        'member',
      )
      .where({ id: In(ids) })
      .setParameters({ listIds })
      .getRawMany<AudienceStatus>();
  }

  /**
   * Enabled subscribers counted by the value of one attribute (with `listId`, only the list's confirmed members).
   * The value is its text on both databases: strings as they are, numbers and booleans as JSON writes them,
   * objects and arrays as JSON; JSON null and a missing key are both "not set" (null). `attribute` is
   * validated by the caller (letters, digits, _ and -) and still passed as a bound parameter.
   */
  countByAttributeValue(
    attribute: string,
    listId?: string,
  ): Promise<{ value: string | null; count: string | number }[]> {
    const postgres = this.dataSource.options.type === 'postgres';
    const value = postgres
      ? `CASE WHEN jsonb_typeof(s.attributes -> $1) IN ('object', 'array') THEN (s.attributes -> $1)::text ELSE s.attributes ->> $1 END`
      : `CASE json_type(s.attributes, ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL ELSE CAST(json_extract(s.attributes, ?) AS TEXT) END`;
    const params: unknown[] = postgres ? [attribute] : [`$."${attribute}"`, `$."${attribute}"`];
    let join = '';
    if (listId) {
      params.push(listId);
      join = `JOIN subscriptions m ON m.subscriber_id = s.id AND m.list_id = ${postgres ? `$${params.length}` : '?'} AND m.status = 'confirmed'`;
    }
    return this.dataSource.query(
      `SELECT v.value AS value, COUNT(*) AS count
         FROM (SELECT ${value} AS value FROM subscribers s ${join} WHERE s.status = 'enabled') v
        GROUP BY v.value`,
      params,
    );
  }

  /**
   * The subscribers that pass the filters, unordered. The search reads `email_key` (already lower-cased)
   * and lower(name).
   *
   * `forCount` on SQLite wraps the search in likelihood(): without the hint SQLite counts a search inside
   * a large list by walking the list's memberships and fetching each subscriber (seconds on a million),
   * where reading the subscribers once and probing the membership key is several times faster.
   */
  private filtered(f: SubscriberFilters, forCount = false): SelectQueryBuilder<Subscriber> {
    const qb = this.dataSource.getRepository(Subscriber).createQueryBuilder('s');
    if (f.listId) {
      qb.innerJoin(Subscription, 'm', 'm.subscriberId = s.id AND m.listId = :listId', { listId: f.listId });
      if (f.membershipStatus) qb.andWhere('m.status = :membershipStatus', { membershipStatus: f.membershipStatus });
    }
    if (f.subscriberStatus) qb.andWhere('s.status = :subscriberStatus', { subscriberStatus: f.subscriberStatus });
    if (f.search) {
      const hint = forCount && this.dataSource.options.type !== 'postgres';
      const matches = `s.emailKey LIKE :search ESCAPE '\\' OR LOWER(s.name) LIKE :search ESCAPE '\\'`;
      qb.andWhere(
        new Brackets((w) => w.where(hint ? `likelihood(${matches}, 0.05)` : `(${matches})`, { search: f.search })),
      );
    }
    return qb;
  }
}
