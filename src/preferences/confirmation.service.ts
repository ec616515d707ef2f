import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { MailingList } from '../lists/list.entity';
import { JobName, JobOf, QueueName, QueueOf, confirmJobId } from '../queues/queues';
import { Subscriber } from '../subscribers/subscriber.entity';
import { Subscription, SubscriptionStatus } from '../subscribers/subscription.entity';
import { TokenService } from '../tokens/token.service';
import { Consent } from './consent.entity';

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
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QueueName.SystemMail) private readonly queue: QueueOf<typeof JobName.SendSubscriptionConfirm>,
    private readonly tokens: TokenService,
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
    const subscriber = await this.db.getRepository(Subscriber).findOneBy({ id: subscriberId });
    if (!subscriber || subscriber.status !== 'enabled' || !listIds.length) return null;
    const waiting = await this.db
      .getRepository(Subscription)
      .findBy({ subscriberId, listId: In(listIds), status: In(AWAITING) });
    if (!waiting.length) return null;
    return { subscriber, lists: await this.listsOf(this.db.manager, waiting) };
  }

  /** What the token would do (the lists it names, or stale); null for any unusable token. Changes nothing. */
  async preview(token: string): Promise<ConfirmOutcome | null> {
    const claims = this.claimsOf(token);
    if (!claims) return null;
    const found = await this.memberships(this.db.manager, claims);
    const usable = found?.filter((m) => fresh(m, claims.issuedAt));
    if (!found || !usable) return null;
    if (!usable.length) return { kind: 'stale' };
    return { kind: 'lists', names: (await this.listsOf(this.db.manager, usable)).map((l) => l.name) };
  }

  /**
   * Confirms the token's memberships that are unconfirmed or unsubscribed, and their consent records, except
   * those the person left after the token was issued (an old mail's link does not undo a later unsubscribe).
   * Idempotent: a second use confirms nothing more and answers the same list names.
   */
  async confirm(token: string): Promise<ConfirmOutcome | null> {
    const claims = this.claimsOf(token);
    if (!claims) return null;
    return this.db.transaction(async (em): Promise<ConfirmOutcome | null> => {
      const found = await this.memberships(em, claims);
      if (!found) return null;
      const memberships = found.filter((m) => fresh(m, claims.issuedAt));
      if (!memberships.length) return { kind: 'stale' };
      const listIds = memberships.filter((m) => m.status !== 'confirmed').map((m) => m.listId);
      if (listIds.length) {
        const now = new Date();
        const subscriberId = claims.s;
        // The status condition makes a concurrent second confirm a no-op instead of moving confirmedAt.
        await em.update(
          Subscription,
          { subscriberId, listId: In(listIds), status: In(AWAITING) },
          { status: 'confirmed', confirmedAt: now, unsubscribedAt: null },
        );
        await em.update(Consent, { subscriberId, listId: In(listIds), confirmedAt: IsNull() }, { confirmedAt: now });
      }
      return { kind: 'lists', names: (await this.listsOf(em, memberships)).map((l) => l.name) };
    });
  }

  private claimsOf(token: string): ConfirmClaims | null {
    const claims = this.tokens.verify('confirm', token);
    if (!claims) return null;
    // Tokens from before `t` existed: issued when they were valid from (their expiry less their lifetime).
    const issuedAt = claims.t ?? (claims.exp !== undefined ? (claims.exp - CONFIRM_TOKEN_DAYS * 24 * 3600) * 1000 : 0);
    return { s: claims.s, l: claims.l, issuedAt };
  }

  /** The token's memberships that still exist, for an enabled subscriber; null when there are none. */
  private async memberships(em: EntityManager, claims: ConfirmClaims): Promise<Subscription[] | null> {
    const subscriber = await em.findOneBy(Subscriber, { id: claims.s });
    if (!subscriber || subscriber.status !== 'enabled') return null;
    const found = await em.findBy(Subscription, { subscriberId: claims.s, listId: In(claims.l) });
    return found.length ? found : null;
  }

  private listsOf(em: EntityManager, memberships: Subscription[]): Promise<MailingList[]> {
    return em.find(MailingList, { where: { id: In(memberships.map((m) => m.listId)) }, order: { name: 'ASC' } });
  }
}

/**
 * Whether a token issued at `issuedAt` may still act on this membership: not when the person unsubscribed
 * from the list after it was issued (a later re-sign-up mails a new token, issued after that).
 */
function fresh(m: Subscription, issuedAt: number): boolean {
  return m.status === 'confirmed' || !m.unsubscribedAt || new Date(m.unsubscribedAt).getTime() <= issuedAt;
}
