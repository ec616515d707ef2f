import type { OptIn } from '../lists/list.repository';
import { SubscriptionStatus } from './subscription.entity';

/**
 * The membership rules for changes made through the API by an editor or an API key (decided by the lead):
 *
 * - A list added to a subscriber: single opt-in → `confirmed`; double opt-in → `unconfirmed`, and a
 *   confirmation mail is requested. With `preconfirm` the editor vouches for consent they already hold:
 *   double opt-in memberships are `confirmed` at once, no mail is requested, and existing `unconfirmed`
 *   memberships of the lists named are confirmed too.
 * - When the lists are set (PATCH `listIds`), memberships of lists not named are removed, except those
 *   `unsubscribed`: they record the person's own choice and are always kept.
 * - An `unsubscribed` membership is never turned back into a subscription here, even if its list is
 *   named again: coming back is the person's own decision, through the public sign-up.
 * - Blocklisting changes no membership (campaigns skip blocklisted subscribers anyway).
 */
export interface Membership {
  listId: string;
  status: SubscriptionStatus;
}

export interface ListToJoin {
  id: string;
  optIn: OptIn;
}

export interface MembershipPlan {
  /** new memberships to insert */
  add: Membership[];
  /** existing `unconfirmed` memberships to confirm (preconfirm) */
  confirm: string[];
  /** memberships to delete (never an `unsubscribed` one) */
  remove: string[];
  /** lists just joined as `unconfirmed`: the confirmation mail is for these */
  awaitingConfirmation: string[];
}

/**
 * What to change, given the memberships a subscriber has, the lists they should be on
 * (`undefined`: keep the set as it is) and whether the editor vouches for consent.
 */
export function planMemberships(
  existing: Membership[],
  lists: ListToJoin[] | undefined,
  preconfirm: boolean,
): MembershipPlan {
  const current = new Map(existing.map((m) => [m.listId, m.status]));
  const named = lists ? new Set(lists.map((l) => l.id)) : new Set(current.keys());
  const plan: MembershipPlan = { add: [], confirm: [], remove: [], awaitingConfirmation: [] };

  for (const list of lists ?? []) {
    if (current.has(list.id)) continue;
    const status: SubscriptionStatus = list.optIn === 'single' || preconfirm ? 'confirmed' : 'unconfirmed';
    plan.add.push({ listId: list.id, status });
    if (status === 'unconfirmed') plan.awaitingConfirmation.push(list.id);
  }
  for (const [listId, status] of current) {
    if (!named.has(listId)) {
      if (status !== 'unsubscribed') plan.remove.push(listId);
    } else if (preconfirm && status === 'unconfirmed') {
      plan.confirm.push(listId);
    }
  }
  return plan;
}
