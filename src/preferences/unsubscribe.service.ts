import { Injectable } from '@nestjs/common';
import { AutomationRepository } from '../automations/automation.repository';
import { CampaignRepository } from '../campaigns/campaign.repository';
import { Transactions, Tx } from '../database/transaction';
import { MessageLogService } from '../delivery/message-log.service';
import { Message, MessageRepository } from '../delivery/message.repository';
import { ListRepository } from '../lists/list.repository';
import { SubscriberRepository } from '../subscribers/subscriber.repository';
import { SubscriptionRepository } from '../subscribers/subscription.repository';
import { TestClaims, TokenService, UnsubscribeClaims } from '../tokens/token.service';
import { PreferencesLinkService } from './preferences-link.service';

/** An unsubscribe token's claims naming a recipient (see tokens/token-claims.ts): message, subscriber, campaign. */
type RecipientClaims = Exclude<UnsubscribeClaims, TestClaims>;

/**
 * What a valid token leads to: the lists it leaves (names; `all` when its campaign is gone). The page
 * names the campaign's public lists, and its private lists the reader is (or was) on: the mail came from
 * them. A private list of the same campaign the reader was never on stays unnamed (a campaign to "Weekly" and
 * a private "Churn risk" must not tell every Weekly reader about the other).
 */
export interface UnsubscribeOutcome {
  lists: string[] | 'all';
}

/** The answer to a test send's or a preview's token (`{t: 1}`): it names nobody, so nothing happens. */
export const TEST_MAIL = 'test-mail' as const;
export type TestMail = typeof TEST_MAIL;

/** How the request came: a mail client's RFC 8058 one-click POST, or the page's button. */
export type UnsubscribeVia = 'one-click' | 'page';

/**
 * The unsubscribe link of campaign mail. The token names one recipient of one message; using it takes that
 * subscriber off the campaign's lists at once (all their lists if the campaign was deleted since, so an old
 * link always works). A token whose message is not that recipient's does nothing; a test mail's token
 * says so. The same token asks for a preference-centre link, which is mailed to the address on file.
 */
@Injectable()
export class UnsubscribeService {
  constructor(
    private readonly transactions: Transactions,
    private readonly tokens: TokenService,
    private readonly log: MessageLogService,
    private readonly links: PreferencesLinkService,
    private readonly campaigns: CampaignRepository,
    private readonly messages: MessageRepository,
    private readonly subscribers: SubscriberRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly lists: ListRepository,
    private readonly automations: AutomationRepository,
  ) {}

  /** What using the token would do; null for an unusable token. Changes nothing. */
  async preview(token: string): Promise<UnsubscribeOutcome | TestMail | null> {
    const claims = this.claimsOf(token);
    if (!claims || claims === TEST_MAIL) return claims;
    const target = await this.target(undefined, claims);
    return target && this.outcome(undefined, claims.s, target.listIds, target.all);
  }

  /** Unsubscribes; idempotent (a second use changes nothing and records nothing more). Null for an unusable token. */
  async unsubscribe(token: string, via: UnsubscribeVia): Promise<UnsubscribeOutcome | TestMail | null> {
    const claims = this.claimsOf(token);
    if (!claims || claims === TEST_MAIL) return claims;
    return this.transactions.run(async (em) => {
      const target = await this.target(em, claims);
      if (!target) return null;
      const active = await this.subscriptions.findOfLists(claims.s, target.listIds, ['unconfirmed', 'confirmed'], em);
      const left = active.map((s) => s.listId);
      if (left.length) {
        // The status condition makes a concurrent second POST a no-op rather than a second event.
        const affected = await this.subscriptions.leaveActive(claims.s, left, new Date(), em);
        if (affected && target.message)
          await this.log.addEvent(target.message.id, 'unsubscribed', { lists: left, via }, em);
      }
      return this.outcome(em, claims.s, target.listIds, target.all);
    });
  }

  /** Whether the token may ask for a preference-centre link (a test mail's may not; it is told so). Changes nothing. */
  async canRequestLink(token: string): Promise<boolean | TestMail> {
    const claims = this.claimsOf(token);
    if (!claims || claims === TEST_MAIL) return claims === TEST_MAIL ? TEST_MAIL : false;
    return (await this.target(undefined, claims)) !== null && (await this.subscribers.exists(claims.s));
  }

  /**
   * Mails a fresh preference-centre link to the subscriber's address on file, never to one typed in, by the
   * same path as POST /api/public/preferences-link (one mail per address per 10 minutes). The answer never
   * names the address; an unusable token is null.
   */
  async requestPreferencesLink(token: string): Promise<'sent' | TestMail | null> {
    const claims = this.claimsOf(token);
    if (!claims || claims === TEST_MAIL) return claims;
    if (!(await this.target(undefined, claims))) return null;
    const subscriber = await this.subscribers.emailOf(claims.s);
    if (!subscriber) return null;
    await this.links.request(subscriber.email);
    return 'sent';
  }

  private claimsOf(token: string): RecipientClaims | TestMail | null {
    const claims = this.tokens.verify('unsubscribe', token);
    if (!claims) return null;
    return 't' in claims ? TEST_MAIL : claims;
  }

  /** The lists to leave, and the message to record it on; null when the token names no real recipient. */
  private async target(
    em: Tx | undefined,
    claims: RecipientClaims,
  ): Promise<{ listIds: string[]; all: boolean; message: Pick<Message, 'id'> | null } | null> {
    // An automation's step mail names the automation where a campaign's names the campaign (no message of
    // either has the other's id); its link leaves the automation's lists.
    const campaign =
      (await this.campaigns.findListIds(claims.c, em)) ?? (await this.automations.findListIds(claims.c, em));
    if (!campaign) {
      const memberships = await this.subscriptions.findBySubscriber(claims.s, em);
      return { listIds: memberships.map((s) => s.listId), all: true, message: null };
    }
    const message = await this.messages.findRecipientOf(claims.m, em);
    if (!message || (message.campaignId ?? claims.c) !== campaign.id || message.subscriberId !== claims.s) return null;
    return { listIds: campaign.listIds, all: false, message };
  }

  private async outcome(
    em: Tx | undefined,
    subscriberId: string,
    listIds: string[],
    all: boolean,
  ): Promise<UnsubscribeOutcome> {
    if (all || !listIds.length) return { lists: all ? 'all' : [] };
    const lists = await this.lists.findByIdsByName(listIds, em);
    const own = new Set(
      (await this.subscriptions.findOfLists(subscriberId, listIds, undefined, em)).map((s) => s.listId),
    );
    return { lists: lists.filter((l) => l.visibility === 'public' || own.has(l.id)).map((l) => l.name) };
  }
}
