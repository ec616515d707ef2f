import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeyScope } from '../../src/auth/api-key-scopes';
import { ApiKeysService } from '../../src/auth/api-keys.service';
import { MessageEvent } from '../../src/delivery/message-event.entity';
import { Message } from '../../src/delivery/message.entity';
import { ListVisibility, MailingList, OptIn } from '../../src/lists/list.entity';
import { Attributes, emailKeyOf, Subscriber, SubscriberStatus } from '../../src/subscribers/subscriber.entity';
import { Subscription, SubscriptionStatus } from '../../src/subscribers/subscription.entity';
import { TestApp } from './test-app';

/**
 * Test data written straight to the database (not through the API under test), so a test can make
 * any state it needs: an unsubscribed membership, a blocklisted subscriber, a chosen creation time.
 */

/** A short string unique within the run, for names and addresses. */
export function uniqueTag(): string {
  return randomBytes(5).toString('hex');
}

export async function makeList(
  t: TestApp,
  fields: { name?: string; description?: string | null; optIn?: OptIn; visibility?: ListVisibility } = {},
): Promise<MailingList> {
  const repo = t.app.get(DataSource).getRepository(MailingList);
  return repo.save(
    repo.create({
      name: fields.name ?? `List ${uniqueTag()}`,
      description: fields.description ?? null,
      optIn: fields.optIn ?? 'single',
      visibility: fields.visibility ?? 'public',
    }),
  );
}

export interface SubscriberFields {
  email?: string;
  name?: string;
  attributes?: Attributes;
  status?: SubscriberStatus;
  createdAt?: Date;
  /** list id → membership status */
  lists?: Record<string, SubscriptionStatus>;
}

export async function makeSubscriber(t: TestApp, fields: SubscriberFields = {}): Promise<Subscriber> {
  const ds = t.app.get(DataSource);
  const email = fields.email ?? `someone-${uniqueTag()}@example.com`;
  const subscriber = await ds.getRepository(Subscriber).save(
    ds.getRepository(Subscriber).create({
      email,
      emailKey: emailKeyOf(email),
      name: fields.name ?? '',
      attributes: fields.attributes ?? {},
      status: fields.status ?? 'enabled',
      ...(fields.createdAt ? { createdAt: fields.createdAt } : {}),
    }),
  );
  const now = new Date();
  for (const [listId, status] of Object.entries(fields.lists ?? {})) {
    await ds.getRepository(Subscription).insert({
      subscriberId: subscriber.id,
      listId,
      status,
      confirmedAt: status === 'confirmed' ? now : null,
      unsubscribedAt: status === 'unsubscribed' ? now : null,
    });
  }
  return subscriber;
}

/** The memberships of a subscriber as stored, sorted by list id. */
export async function membershipsOf(
  t: TestApp,
  subscriberId: string,
): Promise<{ listId: string; status: SubscriptionStatus }[]> {
  const rows = await t.app
    .get(DataSource)
    .getRepository(Subscription)
    .find({ where: { subscriberId }, order: { listId: 'ASC' } });
  return rows.map((r) => ({ listId: r.listId, status: r.status }));
}

/** A new API key (the secret) with these scopes. */
export async function makeApiKey(t: TestApp, scopes: ApiKeyScope[]): Promise<string> {
  return (await t.app.get(ApiKeysService).create(`test key ${uniqueTag()}`, scopes)).key;
}

/**
 * An open or a click of a message to this subscriber, written straight to the log (a campaign message when
 * `campaignId` is given): `machine` flags a privacy proxy's open or a scanner's click.
 */
export async function makeEngagement(
  t: TestApp,
  subscriber: Pick<Subscriber, 'id' | 'email'>,
  fields: { type: 'opened' | 'clicked'; at: Date; machine?: boolean; campaignId?: string },
): Promise<void> {
  const ds = t.app.get(DataSource);
  const message = await ds.getRepository(Message).save(
    ds.getRepository(Message).create({
      stream: 'campaign',
      kind: 'campaign',
      campaignId: fields.campaignId ?? null,
      subscriberId: subscriber.id,
      toEmail: subscriber.email,
      template: 'campaign',
      status: 'sent',
      sentAt: fields.at,
    }),
  );
  const flag = fields.type === 'opened' ? 'machine' : 'scanner';
  await ds.getRepository(MessageEvent).insert({
    messageId: message.id,
    type: fields.type,
    at: fields.at,
    detail: { [flag]: fields.machine ?? false },
  });
}
