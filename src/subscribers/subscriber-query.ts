import { BadRequestException } from '@nestjs/common';
import { ListSubscribersQuery, MEMBERSHIP_STATUSES } from './dto/list-subscribers.query';
import { containsPattern } from './search';
import type { SubscriberFilters, SubscriberStatus } from './subscriber.repository';
import type { SubscriptionStatus } from './subscription.repository';

export type { SubscriberFilters } from './subscriber.repository';

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
