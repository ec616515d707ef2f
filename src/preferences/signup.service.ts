import { Injectable, Logger } from '@nestjs/common';
import { Transactions, Tx } from '../database/transaction';
import { SuppressionService } from '../delivery/suppression.service';
import type { MailingList } from '../lists/list.repository';
import { ListsService } from '../lists/lists.service';
import { emailKeyOf } from '../subscribers/email-key';
import { SubscriberRepository } from '../subscribers/subscriber.repository';
import { SubscriptionRepository } from '../subscribers/subscription.repository';
import { isUniqueViolation } from '../database/unique-violation';
import { ConfirmationService } from './confirmation.service';
import { ConsentRepository } from './consent.repository';
import { AutomationTriggers } from '../automations/automation-triggers.service';
import { PublicSubscribeDto } from './dto/public-subscribe.dto';
import { needsConfirmation, signupAction } from './signup-rules';

/** Where a sign-up came from, kept as proof of consent. */
export interface SignupOrigin {
  ip: string | null;
  userAgent: string | null;
  /** the Referer of the form, or "public-subscribe" */
  source: string;
}

/**
 * Public sign-up. Nobody may act for someone else here: a known address keeps its name and attributes,
 * and a membership that was left or never confirmed only comes back through the confirmation mail.
 * Private lists are ignored: the answer is the same 202 and nobody is added to them.
 */
/** The single opt-in lists a sign-up joined (filled in by apply). */
interface Joined {
  subscriberId: string;
  listIds: string[];
}

@Injectable()
export class SignupService {
  private readonly logger = new Logger(SignupService.name);

  constructor(
    private readonly lists: ListsService,
    private readonly confirmation: ConfirmationService,
    private readonly suppressions: SuppressionService,
    private readonly transactions: Transactions,
    private readonly subscribers: SubscriberRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly consents: ConsentRepository,
    private readonly automations: AutomationTriggers,
  ) {}

  async subscribe(input: PublicSubscribeDto, origin: SignupOrigin): Promise<void> {
    // List existence is not secret: an unknown id is a 400 naming it. Private lists are ignored (same
    // answer): only an admin adds people to them.
    const lists = (await this.lists.assertListsExist(input.listIds)).filter((l) => l.visibility !== 'private');
    if (!lists.length) return;
    // Erasure check: an address erased at its owner's request is not brought back (the answer stays the same).
    if (await this.suppressions.isErased(input.email)) return;
    const joined: Joined = { subscriberId: '', listIds: [] };
    const pending = await this.withOneRetry(() =>
      this.transactions.run((tx) => this.apply(input, lists, clip(origin), tx, joined)),
    );
    // A single opt-in list joined now is a confirmed subscription: its automations start (never throws).
    if (joined.listIds.length) await this.automations.subscriptionConfirmed(joined.subscriberId, joined.listIds);
    if (!pending) return;
    // The mail goes through the queue, so the answer takes no longer for a known address than for a new one.
    // If Redis refuses, the memberships stay as written (a new request asks again) and the answer stays the same.
    await this.confirmation.enqueueMail(pending.subscriberId, pending.listIds, pending.leftAt).catch((err: unknown) => {
      this.logger.error(
        { err, subscriberId: pending.subscriberId },
        'could not queue the subscription confirmation mail',
      );
    });
  }

  /** Applies the sign-up in one transaction; answers what needs the confirmation mail, if anything. */
  private async apply(
    input: PublicSubscribeDto,
    lists: MailingList[],
    origin: SignupOrigin,
    tx: Tx,
    joined: Joined,
  ): Promise<{ subscriberId: string; listIds: string[]; leftAt: Date | null } | null> {
    joined.listIds = [];
    const emailKey = emailKeyOf(input.email);
    let subscriber = await this.subscribers.findByEmailKey(emailKey, tx);
    if (subscriber?.status === 'blocklisted') return null;
    subscriber ??= await this.subscribers.create(
      {
        email: input.email,
        emailKey,
        name: input.name ?? '',
        attributes: input.attributes ?? {},
        status: 'enabled',
      },
      tx,
    );
    const subscriberId = subscriber.id;
    joined.subscriberId = subscriberId;
    const memberships = await this.subscriptions.findOfLists(
      subscriberId,
      lists.map((l) => l.id),
      undefined,
      tx,
    );
    const current = new Map(memberships.map((s) => [s.listId, s.status]));

    const now = new Date();
    const toConfirm: string[] = [];
    for (const list of lists) {
      const action = signupAction(current.get(list.id), list.optIn);
      if (action === 'none') continue;
      if (action === 'confirm' || action === 'create-pending') {
        const confirmed = action === 'confirm';
        const status = confirmed ? 'confirmed' : 'unconfirmed';
        await this.subscriptions.insert(
          { subscriberId, listId: list.id, status, confirmedAt: confirmed ? now : null },
          tx,
        );
      }
      await this.consents.record(
        { subscriberId, listId: list.id, ...origin, confirmedAt: action === 'confirm' ? now : null },
        tx,
      );
      if (needsConfirmation(action)) toConfirm.push(list.id);
      if (action === 'confirm') joined.listIds.push(list.id);
    }
    const left = memberships
      .filter((s) => s.status === 'unsubscribed' && s.unsubscribedAt)
      .map((s) => new Date(s.unsubscribedAt!).getTime());
    return toConfirm.length
      ? { subscriberId, listIds: toConfirm, leftAt: left.length ? new Date(Math.max(...left)) : null }
      : null;
  }

  /** Two sign-ups of the same new address at once: the loser's transaction fails on a unique key, and its retry finds the row. */
  private async withOneRetry<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      return work();
    }
  }
}

/** Consent columns have fixed widths; a long user agent or referrer is cut, not refused. */
function clip(origin: SignupOrigin): SignupOrigin {
  return {
    ip: origin.ip?.slice(0, 64) ?? null,
    userAgent: origin.userAgent?.slice(0, 500) ?? null,
    source: origin.source.slice(0, 500),
  };
}
