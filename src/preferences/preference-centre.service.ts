import { Injectable } from '@nestjs/common';
import { Transactions, Tx } from '../database/transaction';
import { ListRepository } from '../lists/list.repository';
import type { MailingList } from '../lists/list.repository';
import { SubscriberRepository } from '../subscribers/subscriber.repository';
import type { Subscriber } from '../subscribers/subscriber.repository';
import { SubscriptionRepository } from '../subscribers/subscription.repository';
import type { SubscriptionStatus } from '../subscribers/subscription.repository';
import { EditableAttribute, SettingsService } from '../settings/settings.service';
import { TokenService } from '../tokens/token.service';
import { ConsentRepository } from './consent.repository';
import { FormBody, readForm } from './preference-centre-form';

export const PREFERENCE_CENTRE_SOURCE = 'preference-centre';

/** What the preference centre page shows. */
export interface PreferenceView {
  subscriber: Subscriber;
  /** the public lists and the private ones the person is on, with this person's membership status if any */
  lists: { list: MailingList; status: SubscriptionStatus | null }[];
  /** the attributes an admin marked editable (Settings), under their labels, with this person's value */
  attributes: { key: string; label: string; value: unknown }[];
}

export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

export type SaveResult = { saved: PreferenceView } | { errors: string[]; view: PreferenceView };

/**
 * The preference centre behind GET|POST /p/:token. The token (signed, 7 days, only ever in the
 * preferences-link mail, sent to the address on file) names one subscriber and is the only credential:
 * it proves the mailbox.
 * It offers the public lists and the private ones the person is on (a private list they left is gone
 * from the page, and joining one is refused), and only the attributes an admin marked editable.
 */
@Injectable()
export class PreferenceCentreService {
  constructor(
    private readonly tokens: TokenService,
    private readonly settings: SettingsService,
    private readonly transactions: Transactions,
    private readonly subscribers: SubscriberRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly lists: ListRepository,
    private readonly consents: ConsentRepository,
  ) {}

  /** The subscriber id of a valid, unexpired preferences token whose subscriber still exists; else null. */
  async subscriberOf(token: string): Promise<Subscriber | null> {
    // Refuses old tokens naming a message too (see token-claims.ts).
    const claims = this.tokens.verify('preferences', token);
    if (!claims) return null;
    return this.subscribers.findById(claims.s);
  }

  async view(subscriber: Subscriber, tx?: Tx, editable?: EditableAttribute[]): Promise<PreferenceView> {
    const [lists, memberships, marked] = await Promise.all([
      this.lists.findAllByName(tx),
      this.subscriptions.findBySubscriber(subscriber.id, tx),
      editable ?? this.settings.editableAttributes(),
    ]);
    const status = new Map(memberships.map((s) => [s.listId, s.status]));
    const offered = lists.filter(
      (l) => l.visibility !== 'private' || ['unconfirmed', 'confirmed'].includes(status.get(l.id) ?? ''),
    );
    const own = subscriber.attributes ?? {};
    return {
      subscriber,
      lists: offered.map((list) => ({ list, status: status.get(list.id) ?? null })),
      attributes: marked.map((a) => ({ ...a, value: own[a.key] })),
    };
  }

  /**
   * Name, attributes, lists and tracking from the page's form, in one transaction.
   * A ticked list is confirmed at once, double opt-in too (the token proves the mailbox), with a consent
   * record (source "preference-centre"); an unticked confirmed one is left. Unconfirmed memberships the
   * person leaves unticked stay as they are. A blocklisted subscriber may leave lists but not join any.
   */
  async save(subscriber: Subscriber, body: FormBody, origin: RequestOrigin): Promise<SaveResult> {
    const editable = await this.settings.editableAttributes();
    const before = await this.view(subscriber, undefined, editable);
    const changes = readForm(body, subscriber.attributes ?? {}, {
      editable,
      lists: new Set(before.lists.map((l) => l.list.id)),
    });
    if ('errors' in changes) return { errors: changes.errors, view: before };
    const saved = await this.transactions.run(async (m) => {
      const fresh = await this.subscribers.findByIdOrFail(subscriber.id, m);
      fresh.name = changes.name;
      // Only the editable keys change; the rest is taken from the row as it is now.
      fresh.attributes = {
        ...(fresh.attributes ?? {}),
        ...Object.fromEntries(
          editable.filter((a) => a.key in changes.attributes).map((a) => [a.key, changes.attributes[a.key]]),
        ),
      };
      fresh.trackingEnabled = changes.tracking;
      await this.subscribers.save(fresh, m);
      const now = new Date();
      const { lists } = await this.view(fresh, m, editable);
      for (const { list, status } of lists) {
        const wanted = changes.listIds.has(list.id);
        if (wanted && status !== 'confirmed' && fresh.status === 'enabled') {
          await this.subscriptions.upsertConfirmed(fresh.id, list.id, now, m);
          await this.consents.record(
            {
              subscriberId: fresh.id,
              listId: list.id,
              source: PREFERENCE_CENTRE_SOURCE,
              ...clip(origin),
              confirmedAt: now,
            },
            m,
          );
        } else if (!wanted && status === 'confirmed') {
          await this.subscriptions.markUnsubscribed(fresh.id, list.id, now, m);
        }
      }
      return this.view(fresh, m, editable);
    });
    return { saved };
  }

  /** Leaves every list at once (memberships become 'unsubscribed'; nothing else changes). */
  async unsubscribeAll(subscriber: Subscriber): Promise<PreferenceView> {
    await this.subscriptions.leaveActive(subscriber.id, 'all', new Date());
    return this.view(subscriber);
  }
}

function clip(origin: RequestOrigin): RequestOrigin {
  return { ip: origin.ip?.slice(0, 64) ?? null, userAgent: origin.userAgent?.slice(0, 500) ?? null };
}
