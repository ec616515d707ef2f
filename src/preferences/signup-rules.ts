import type { OptIn } from '../lists/list.repository';
import type { SubscriptionStatus } from '../subscribers/subscription.repository';

/**
 * What a public sign-up does to one membership:
 * - `none`: already confirmed, nothing to do;
 * - `confirm`: a new membership of a single opt-in list, confirmed at once;
 * - `create-pending`: a new membership of a double opt-in list, unconfirmed until the mail's link is used;
 * - `ask`: an existing unconfirmed or unsubscribed membership. It stays as it is and only the confirmation
 *   mail can change it, whatever the list's opt-in, so a stranger cannot re-subscribe someone who left.
 */
export type SignupAction = 'none' | 'confirm' | 'create-pending' | 'ask';

export function signupAction(current: SubscriptionStatus | undefined, optIn: OptIn): SignupAction {
  if (current === 'confirmed') return 'none';
  if (current) return 'ask';
  return optIn === 'single' ? 'confirm' : 'create-pending';
}

/** Whether an action needs the confirmation mail. */
export function needsConfirmation(action: SignupAction): boolean {
  return action === 'create-pending' || action === 'ask';
}
