import { InjectQueue } from '@nestjs/bull';
import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { Page } from '../common/pagination';
import { Transactions, Tx } from '../database/transaction';
import { SuppressionService } from '../delivery/suppression.service';
import type { MailingList } from '../lists/list.repository';
import { ListsService } from '../lists/lists.service';
import { JobName, JobOf, QueueName, QueueOf, confirmJobId } from '../queues/queues';
import { isUniqueViolation } from '../database/unique-violation';
import { ListSubscribersQuery } from './dto/list-subscribers.query';
import { CreateSubscriberDto, UpdateSubscriberDto } from './dto/subscriber.dto';
import { planMemberships } from './membership-plan';
import { filtersOf } from './subscriber-query';
import { emailKeyOf } from './email-key';
import { Subscriber, SubscriberRepository } from './subscriber.repository';
import { SubscriberView, toSubscriberView } from './subscriber.view';
import { Subscription, SubscriptionRepository } from './subscription.repository';

/** What a write leaves to do once its transaction has committed. */
interface Written {
  subscriber: Subscriber;
  awaitingConfirmation: string[];
}

@Injectable()
export class SubscribersService {
  private readonly logger = new Logger(SubscribersService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly subscribers: SubscriberRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly lists: ListsService,
    @InjectQueue(QueueName.SystemMail) private readonly systemMail: QueueOf<typeof JobName.SendSubscriptionConfirm>,
    private readonly suppressions: SuppressionService,
  ) {}

  async create(body: CreateSubscriberDto): Promise<SubscriberView> {
    const emailKey = emailKeyOf(body.email);
    if (await this.suppressions.isErased(emailKey)) throw erased();
    const written = await this.write(body.email, async (m): Promise<Written> => {
      const lists = await this.lists.assertListsExist(body.listIds ?? [], m);
      if (await this.subscribers.existsByEmailKey(emailKey, m)) throw duplicate(body.email);
      const subscriber = await this.subscribers.create(
        {
          email: body.email.trim(),
          emailKey,
          name: body.name ?? '',
          attributes: body.attributes ?? {},
          status: body.status ?? 'enabled',
        },
        m,
      );
      return {
        subscriber,
        awaitingConfirmation: await this.applyMemberships(subscriber.id, [], lists, body.preconfirm ?? false, m),
      };
    });
    await this.requestConfirmation(written);
    return this.view(written.subscriber.id);
  }

  async update(id: string, body: UpdateSubscriberDto): Promise<SubscriberView> {
    const written = await this.write(body.email ?? '', async (m): Promise<Written> => {
      // concurrent PATCHes of one subscriber take turns on the row
      const subscriber = await this.subscribers.findForUpdate(id, m);
      if (!subscriber) throw new NotFoundException(`Subscriber ${id} not found`);
      const lists = body.listIds === undefined ? undefined : await this.lists.assertListsExist(body.listIds, m);
      if (body.email !== undefined) {
        const emailKey = emailKeyOf(body.email);
        if (emailKey !== subscriber.emailKey && (await this.subscribers.existsByEmailKey(emailKey, m)))
          throw duplicate(body.email);
        if (emailKey !== subscriber.emailKey && (await this.suppressions.isErased(emailKey))) throw erased();
        subscriber.email = body.email.trim();
        subscriber.emailKey = emailKey;
      }
      if (body.name !== undefined) subscriber.name = body.name ?? '';
      // attributes are replaced as a whole: the client sends the object it wants kept
      if (body.attributes !== undefined) subscriber.attributes = body.attributes;
      if (body.status !== undefined) subscriber.status = body.status;
      await this.subscribers.save(subscriber, m);
      const existing = await this.subscriptions.findBySubscriber(id, m);
      return {
        subscriber,
        awaitingConfirmation: await this.applyMemberships(id, existing, lists, body.preconfirm ?? false, m),
      };
    });
    await this.requestConfirmation(written);
    return this.view(id);
  }

  async remove(id: string): Promise<void> {
    // memberships and consent records go with the subscriber (ON DELETE CASCADE)
    if (!(await this.subscribers.delete(id))) throw new NotFoundException(`Subscriber ${id} not found`);
  }

  /** One subscriber in the contract's shape, or 404. */
  async view(id: string): Promise<SubscriberView> {
    const subscriber = await this.subscribers.findById(id);
    if (!subscriber) throw new NotFoundException(`Subscriber ${id} not found`);
    return (await this.toViews([subscriber]))[0];
  }

  /** Subscribers in the contract's shape, their memberships fetched in one query. For any feature that shows subscribers. */
  async toViews(subscribers: Subscriber[]): Promise<SubscriberView[]> {
    if (subscribers.length === 0) return [];
    const memberships = await this.subscriptions.findBySubscribers(subscribers.map((s) => s.id));
    const bySubscriber = new Map<string, Subscription[]>();
    for (const m of memberships) bySubscriber.set(m.subscriberId, [...(bySubscriber.get(m.subscriberId) ?? []), m]);
    return subscribers.map((s) => toSubscriberView(s, bySubscriber.get(s.id) ?? []));
  }

  /**
   * Newest first. Built to stay quick on a million subscribers: the page walks the index on (created_at, id)
   * (or the partial index of blocklisted ones, or the list's memberships), a search scans,
   * and the total is counted apart, without ORDER BY (see SubscriberRepository).
   */
  async list(query: ListSubscribersQuery): Promise<Page<SubscriberView>> {
    const filters = filtersOf(query);
    if (filters.listId) await this.lists.assertListsExist([filters.listId]);
    const total = await this.subscribers.countFiltered(filters);
    const rows = await this.subscribers.filteredPage(filters, (query.page - 1) * query.limit, query.limit);
    return { items: await this.toViews(rows), total, page: query.page, limit: query.limit };
  }

  /** Runs a write in a transaction; a unique violation on the address (a concurrent create) is the same 409. */
  private async write(email: string, work: (m: Tx) => Promise<Written>): Promise<Written> {
    try {
      return await this.transactions.run(work);
    } catch (e) {
      if (isUniqueViolation(e)) throw duplicate(email);
      throw e;
    }
  }

  /**
   * Applies the membership rules of membership-plan.ts inside the transaction and answers the lists
   * that now await the subscriber's confirmation. `lists` undefined keeps the set of lists as it is.
   */
  private async applyMemberships(
    subscriberId: string,
    existing: Subscription[],
    lists: MailingList[] | undefined,
    preconfirm: boolean,
    m: Tx,
  ): Promise<string[]> {
    const plan = planMemberships(existing, lists, preconfirm);
    const now = new Date();
    if (plan.add.length) {
      const rows = plan.add.map((a) => ({
        subscriberId,
        listId: a.listId,
        status: a.status,
        confirmedAt: a.status === 'confirmed' ? now : null,
      }));
      // a concurrent request that added the same membership first wins; this one changes nothing
      await this.subscriptions.insertIgnoringExisting(rows, m);
    }
    if (plan.confirm.length) {
      await this.subscriptions.confirmUnconfirmed(subscriberId, plan.confirm, now, m);
    }
    if (plan.remove.length) {
      await this.subscriptions.removeUnlessUnsubscribed(subscriberId, plan.remove, m);
    }
    return plan.awaitingConfirmation;
  }

  /**
   * Asks for the confirmation mail of newly joined double opt-in lists, after the commit so the mail job
   * finds the rows. The job id is derived from the subscriber, the lists and a 10-minute window, so asking twice queues one job.
   * A blocklisted subscriber is sent nothing. If Redis refuses, the memberships stay `unconfirmed` (the
   * database remains the truth) and the failure is logged rather than turning a committed change into an error.
   */
  private async requestConfirmation({ subscriber, awaitingConfirmation }: Written): Promise<void> {
    if (awaitingConfirmation.length === 0 || subscriber.status === 'blocklisted') return;
    const listIds = [...awaitingConfirmation].sort();
    const payload: JobOf<typeof JobName.SendSubscriptionConfirm> = { subscriberId: subscriber.id, listIds };
    try {
      await this.systemMail.add(JobName.SendSubscriptionConfirm, payload, {
        jobId: confirmJobId(subscriber.id, listIds),
      });
    } catch (err: unknown) {
      this.logger.error(
        { err, subscriberId: subscriber.id, listIds },
        'could not queue the subscription confirmation mail',
      );
    }
  }
}

/** Erasure check: the owner of the address asked for it to be erased; it cannot be added back. */
function erased(): ConflictException {
  return new ConflictException("email: this address was erased at its owner's request and cannot be added again");
}

function duplicate(email: string): ConflictException {
  return new ConflictException(`A subscriber with email ${email.trim()} already exists`);
}
