import { BadRequestException } from '@nestjs/common';
import { Brackets, Repository, SelectQueryBuilder } from 'typeorm';
import { ListSubscribersQuery, MEMBERSHIP_STATUSES } from './dto/list-subscribers.query';
import { containsPattern } from './search';
import { Subscriber, SubscriberStatus } from './subscriber.entity';
import { Subscription, SubscriptionStatus } from './subscription.entity';

/** The filters of GET /api/subscribers, sorted out: `status` is either a subscriber's or a membership's. */
export interface SubscriberFilters {
  listId?: string;
  membershipStatus?: SubscriptionStatus;
  subscriberStatus?: SubscriberStatus;
  /** a LIKE pattern for lower-cased text, wildcards escaped */
  search?: string;
}

export function filtersOf(query: ListSubscribersQuery): SubscriberFilters {
  const isMembership = MEMBERSHIP_STATUSES.includes(query.status as SubscriptionStatus);
  if (isMembership && !query.listId) {
    throw new BadRequestException(`status "${query.status}" is a list membership status: it needs listId`);
  }
  return {
    listId: query.listId?.toLowerCase(),
    membershipStatus: isMembership ? (query.status as SubscriptionStatus) : undefined,
    subscriberStatus: isMembership ? undefined : (query.status as SubscriberStatus | undefined),
    search: query.search?.trim() ? containsPattern(query.search) : undefined,
  };
}

/**
 * The subscribers that pass the filters, unordered. The search reads `email_key` (already lower-cased)
 * and lower(name).
 *
 * `forCount` on SQLite wraps the search in likelihood(): without the hint SQLite counts a search inside
 * a large list by walking the list's memberships and fetching each subscriber (seconds on a million),
 * where reading the subscribers once and probing the membership key is several times faster.
 */
export function filteredSubscribers(
  repo: Repository<Subscriber>,
  f: SubscriberFilters,
  forCount = false,
): SelectQueryBuilder<Subscriber> {
  const qb = repo.createQueryBuilder('s');
  if (f.listId) {
    qb.innerJoin(Subscription, 'm', 'm.subscriberId = s.id AND m.listId = :listId', { listId: f.listId });
    if (f.membershipStatus) qb.andWhere('m.status = :membershipStatus', { membershipStatus: f.membershipStatus });
  }
  if (f.subscriberStatus) qb.andWhere('s.status = :subscriberStatus', { subscriberStatus: f.subscriberStatus });
  if (f.search) {
    const hint = forCount && repo.manager.connection.options.type !== 'postgres';
    const matches = `s.emailKey LIKE :search ESCAPE '\\' OR LOWER(s.name) LIKE :search ESCAPE '\\'`;
    qb.andWhere(
      new Brackets((w) => w.where(hint ? `likelihood(${matches}, 0.05)` : `(${matches})`, { search: f.search })),
    );
  }
  return qb;
}

/**
 * How many pass the filters. A list filtered only by membership status is counted from the memberships
 * alone, on the (list_id, status) index.
 */
export async function countSubscribers(
  subscribers: Repository<Subscriber>,
  memberships: Repository<Subscription>,
  f: SubscriberFilters,
): Promise<number> {
  if (f.listId && !f.subscriberStatus && !f.search) {
    return memberships.countBy({ listId: f.listId, ...(f.membershipStatus ? { status: f.membershipStatus } : {}) });
  }
  const row = await filteredSubscribers(subscribers, f, true)
    .select('COUNT(*)', 'count')
    .getRawOne<{ count: string | number }>();
  return Number(row?.count ?? 0);
}
