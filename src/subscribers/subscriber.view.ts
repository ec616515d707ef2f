import { Attributes, Subscriber, SubscriberStatus } from './subscriber.entity';
import { Subscription, SubscriptionStatus } from './subscription.entity';

/** A subscriber as the API shows it (the contract's shape). */
export interface SubscriberView {
  id: string;
  email: string;
  name: string;
  attributes: Attributes;
  status: SubscriberStatus;
  lists: { listId: string; status: SubscriptionStatus }[];
  createdAt: Date;
}

/** `memberships` are this subscriber's, in the order to show. */
export function toSubscriberView(
  s: Subscriber,
  memberships: Pick<Subscription, 'listId' | 'status'>[],
): SubscriberView {
  return {
    id: s.id,
    email: s.email,
    name: s.name,
    attributes: s.attributes ?? {},
    status: s.status,
    lists: memberships.map((m) => ({ listId: m.listId, status: m.status })),
    createdAt: s.createdAt,
  };
}
