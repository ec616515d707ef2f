import { Injectable } from '@nestjs/common';
import { CampaignRepository } from '../campaigns/campaign.repository';
import { MessageEventRepository } from '../delivery/message-event.repository';
import { MessagesOf, MessageRepository } from '../delivery/message.repository';
import { suppressionHashes } from '../delivery/suppression.service';
import { SuppressionRepository } from '../delivery/suppression.repository';
import { ListRepository } from '../lists/list.repository';
import { legacyKeysOf } from '../subscribers/email-key';
import type { Subscriber } from '../subscribers/subscriber.repository';
import { SubscriptionRepository } from '../subscribers/subscription.repository';
import { OrdersService } from '../orders/orders.service';
import { ConsentRepository } from './consent.repository';

/**
 * The messages that are about one person: sent to their subscriber id, or to their address on any stream.
 * A message keeps its address as written, so it is looked for under each spelling the key stands for (Unicode
 * or punycode domain, composed or decomposed) and as the person typed it. SQL's LOWER folds ASCII only on
 * SQLite: an address written with upper-case non-ASCII letters on a message without a subscriber id is the
 * one spelling this misses there.
 */
export function messagesOf(
  subscriber: Pick<Subscriber, 'id' | 'emailKey'> & Partial<Pick<Subscriber, 'email'>>,
): MessagesOf {
  const spellings = [
    ...new Set([
      subscriber.emailKey,
      ...legacyKeysOf(subscriber.emailKey),
      ...(subscriber.email ? [subscriber.email.trim().toLowerCase()] : []),
    ]),
  ];
  return { subscriberId: subscriber.id, spellings };
}

/**
 * Everything held about one person, as the preference centre's download gives it (GET /p/:token/export):
 * profile, memberships, consent records, messages sent with their events (opens, clicks…), and whether
 * the address is on the suppression list, the order history kept from the shop's order events, and the time of
 * the person's last open as a person (kept for segments).
 */
@Injectable()
export class DataExportService {
  constructor(
    private readonly messageRows: MessageRepository,
    private readonly events: MessageEventRepository,
    private readonly suppressions: SuppressionRepository,
    private readonly campaigns: CampaignRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly consents: ConsentRepository,
    private readonly lists: ListRepository,
    private readonly orders: OrdersService,
  ) {}

  async export(subscriber: Subscriber): Promise<Record<string, unknown>> {
    const id = subscriber.id;
    const [memberships, consents, messages, suppression, orders, lastOpenedAt] = await Promise.all([
      this.subscriptions.findBySubscriber(id),
      this.consents.findBySubscriber(id),
      this.messageRows.ofPerson(messagesOf(subscriber)),
      this.suppressions.findAmong(suppressionHashes(subscriber.emailKey)),
      this.orders.ofAddress(subscriber.emailKey),
      this.events.lastHumanOpenOf(id),
    ]);
    const listIds = [
      ...new Set([
        ...memberships.map((m) => m.listId),
        ...consents.map((c) => c.listId).filter((l): l is string => !!l),
      ]),
    ];
    const campaignIds = [...new Set(messages.map((m) => m.campaignId).filter((c): c is string => !!c))];
    const [lists, campaigns, events] = await Promise.all([
      listIds.length ? this.lists.findByIds(listIds) : [],
      campaignIds.length ? this.campaigns.findNames(campaignIds) : [],
      this.events.ofMessages(messages.map((m) => m.id)),
    ]);
    const listName = new Map(lists.map((l) => [l.id, l.name]));
    const campaign = new Map(campaigns.map((c) => [c.id, c]));

    return {
      exportedAt: new Date().toISOString(),
      profile: {
        id,
        email: subscriber.email,
        name: subscriber.name,
        attributes: subscriber.attributes,
        status: subscriber.status,
        trackingEnabled: subscriber.trackingEnabled,
        createdAt: subscriber.createdAt,
        updatedAt: subscriber.updatedAt,
      },
      lists: memberships.map((m) => ({
        listId: m.listId,
        name: listName.get(m.listId) ?? null,
        status: m.status,
        joinedAt: m.createdAt,
        confirmedAt: m.confirmedAt,
        unsubscribedAt: m.unsubscribedAt,
      })),
      consents: consents.map((c) => ({
        listId: c.listId,
        list: c.listId ? (listName.get(c.listId) ?? null) : null,
        source: c.source,
        ip: c.ip,
        userAgent: c.userAgent,
        at: c.createdAt,
        confirmedAt: c.confirmedAt,
      })),
      messages: messages.map((m) => ({
        id: m.id,
        stream: m.stream,
        campaign: m.campaignId
          ? {
              id: m.campaignId,
              name: campaign.get(m.campaignId)?.name ?? null,
              subject: campaign.get(m.campaignId)?.subject ?? null,
            }
          : null,
        template: m.template,
        to: { email: m.toEmail, name: m.toName },
        data: m.data,
        status: m.status,
        createdAt: m.createdAt,
        sentAt: m.sentAt,
        events: (events.get(m.id) ?? []).map((e) => ({ type: e.type, at: e.at, detail: e.detail })),
      })),
      orders,
      // derived from the opens above; segments ("opened within N days") and the `inactive` trigger use it
      engagement: { lastOpenedAt },
      suppression: suppression ? { reason: suppression.reason, since: suppression.createdAt } : null,
    };
  }
}
