import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Transactions, Tx } from '../database/transaction';
import { ListRepository } from '../lists/list.repository';
import type { MailingList } from '../lists/list.repository';
import { JobName, JobOf, QueueName, QueueOf, confirmJobId } from '../queues/queues';
import { SubscriberRepository } from '../subscribers/subscriber.repository';
import type { Subscriber } from '../subscribers/subscriber.repository';
import { SubscriptionRepository } from '../subscribers/subscription.repository';
import type { Subscription, SubscriptionStatus } from '../subscribers/subscription.repository';
import { TokenService } from '../tokens/token.service';
import { ConsentRepository } from './consent.repository';
import { AutomationTriggers } from '../automations/automation-triggers.service';

export const CONFIRM_TOKEN_DAYS = 7;
const AWAITING: SubscriptionStatus[] = ['unconfirmed', 'unsubscribed'];

/** What a confirm token names: a subscriber, lists, and when it was issued (ms). */
interface ConfirmClaims {
  s: string;
  l: string[];
  issuedAt: number;
}

/**
 * What a confirm link does: confirms (or, used again, answers) the lists named; or is `stale`: valid, but
 * the person left those lists after it was issued, so only a new sign-up (and its new mail) brings them back.
 */
export type ConfirmOutcome = { kind: 'lists'; names: string[] } | { kind: 'stale' };

export interface PendingConfirmation {
  subscriber: Subscriber;
  lists: MailingList[];
}

/** Double opt-in: the confirmation mail's job, its token, and what using the token does. */
@Injectable()
export class ConfirmationService {
  constructor(
    @InjectQueue(QueueName.SystemMail) private readonly queue: QueueOf<typeof JobName.SendSubscriptionConfirm>,
    private readonly tokens: TokenService,
    private readonly transactions: Transactions,
    private readonly subscribers: SubscriberRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly lists: ListRepository,
    private readonly consents: ConsentRepository,
    private readonly automations: AutomationTriggers,
  ) {}

  /** `leftAt`: when the person last unsubscribed from one of the lists (see confirmJobId). */
  async enqueueMail(subscriberId: string, listIds: string[], leftAt: Date | null = null): Promise<void> {
    const payload: JobOf<typeof JobName.SendSubscriptionConfirm> = { subscriberId, listIds };
    // Completed jobs are kept longer than the window (KEEP_COMPLETED), so the same jobId is still known
    // (and ignored) after the mail went.
    await this.queue.add(JobName.SendSubscriptionConfirm, payload, {
      jobId: confirmJobId(subscriberId, listIds, leftAt),
    });
  }

  /** `t`: when it was issued, so that a later unsubscribe makes it stale (see fresh()). */
  tokenFor(subscriberId: string, listIds: string[]): string {
    return this.tokens.sign('confirm', { s: subscriberId, l: listIds, t: Date.now() }, CONFIRM_TOKEN_DAYS * 24 * 3600);
  }

  /** The subscriber and those of `listIds` whose membership still awaits confirmation; null when none does. */
  async pending(subscriberId: string, listIds: string[]): Promise<PendingConfirmation | null> {
    const subscriber = await this.subscribers.findById(subscriberId);
    if (!subscriber || subscriber.status !== 'enabled' || !listIds.length) return null;
    const waiting = await this.subscriptions.findOfLists(subscriberId, listIds, AWAITING);
    if (!waiting.length) return null;
    return { subscriber, lists: await this.listsOf(waiting) };
  }

  /** What the token would do (the lists it names, or stale); null for any unusable token. Changes nothing. */
  async preview(token: string): Promise<ConfirmOutcome | null> {
    const claims = this.claimsOf(token);
    if (!claims) return null;
    const found = await this.memberships(claims);
    const usable = found?.filter((m) => fresh(m, claims.issuedAt));
    if (!found || !usable) return null;
    if (!usable.length) return { kind: 'stale' };
    return { kind: 'lists', names: (await this.listsOf(usable)).map((l) => l.name) };
  }

  /**
   * Confirms the token's memberships that are unconfirmed or unsubscribed, and their consent records, except
   * those the person left after the token was issued (an old mail's link does not undo a later unsubscribe).
   * Idempotent: a second use confirms nothing more and answers the same list names.
   */
  async confirm(token: string): Promise<ConfirmOutcome | null> {
    const claims = this.claimsOf(token);
    if (!claims) return null;
    let confirmedNow: string[] = [];
    const outcome = await this.transactions.run(async (tx): Promise<ConfirmOutcome | null> => {
      const found = await this.memberships(claims, tx);
      if (!found) return null;
      const memberships = found.filter((m) => fresh(m, claims.issuedAt));
      if (!memberships.length) return { kind: 'stale' };
      const listIds = memberships.filter((m) => m.status !== 'confirmed').map((m) => m.listId);
      if (listIds.length) {
        const now = new Date();
        const subscriberId = claims.s;
        // The status condition makes a concurrent second confirm a no-op instead of moving confirmedAt.
        await this.subscriptions.confirmFrom(subscriberId, listIds, AWAITING, now, tx);
        await this.consents.confirmPending(subscriberId, listIds, now, tx);
        confirmedNow = listIds;
      }
      return { kind: 'lists', names: (await this.listsOf(memberships, tx)).map((l) => l.name) };
    });
    if (confirmedNow.length) await this.automations.subscriptionConfirmed(claims.s, confirmedNow);
    return outcome;
  }

  private claimsOf(token: string): ConfirmClaims | null {
    const claims = this.tokens.verify('confirm', token);
    if (!claims) return null;
    // Tokens from before `t` existed: issued when they were valid from (their expiry less their lifetime).
    const issuedAt = claims.t ?? (claims.exp !== undefined ? (claims.exp - CONFIRM_TOKEN_DAYS * 24 * 3600) * 1000 : 0);
    return { s: claims.s, l: claims.l, issuedAt };
  }

  /** The token's memberships that still exist, for an enabled subscriber; null when there are none. */
  private async memberships(claims: ConfirmClaims, tx?: Tx): Promise<Subscription[] | null> {
    const subscriber = await this.subscribers.findById(claims.s, tx);
    if (!subscriber || subscriber.status !== 'enabled') return null;
    const found = await this.subscriptions.findOfLists(claims.s, claims.l, undefined, tx);
    return found.length ? found : null;
  }

  private listsOf(memberships: Subscription[], tx?: Tx): Promise<MailingList[]> {
    return this.lists.findByIdsByName(
      memberships.map((m) => m.listId),
      tx,
    );
  }
}

/**
 * Whether a token issued at `issuedAt` may still act on this membership: not when the person unsubscribed
 * from the list after it was issued (a later re-sign-up mails a new token, issued after that).
 */
function fresh(m: Subscription, issuedAt: number): boolean {
  return m.status === 'confirmed' || !m.unsubscribedAt || new Date(m.unsubscribedAt).getTime() <= issuedAt;
}
