import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { SuppressionService } from '../delivery/suppression.service';
import { MailingList } from '../lists/list.entity';
import { ListsService } from '../lists/lists.service';
import { emailKeyOf } from '../subscribers/email-key';
import { Subscriber } from '../subscribers/subscriber.entity';
import { Subscription } from '../subscribers/subscription.entity';
import { isUniqueViolation } from '../database/unique-violation';
import { ConfirmationService } from './confirmation.service';
import { Consent } from './consent.entity';
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
@Injectable()
export class SignupService {
  private readonly logger = new Logger(SignupService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lists: ListsService,
    private readonly confirmation: ConfirmationService,
    private readonly suppressions: SuppressionService,
  ) {}

  async subscribe(input: PublicSubscribeDto, origin: SignupOrigin): Promise<void> {
    // List existence is not secret: an unknown id is a 400 naming it. Private lists are ignored (same
    // answer): only an admin adds people to them.
    const lists = (await this.lists.assertListsExist(input.listIds)).filter((l) => l.visibility !== 'private');
    if (!lists.length) return;
    // Erasure check: an address erased at its owner's request is not brought back (the answer stays the same).
    if (await this.suppressions.isErased(input.email)) return;
    const pending = await this.withOneRetry(() =>
      this.db.transaction((em) => this.apply(em, input, lists, clip(origin))),
    );
    if (!pending) return;
    // The mail goes through the queue, so the answer takes no longer for a known address than for a new one.
    // If Redis refuses, the memberships stay as written (a new request asks again) and the answer stays the same.
    await this.confirmation.enqueueMail(pending.subscriberId, pending.listIds, pending.leftAt).catch((err) => {
      this.logger.error(
        { err, subscriberId: pending.subscriberId },
        'could not queue the subscription confirmation mail',
      );
    });
  }

  /** Applies the sign-up in one transaction; answers what needs the confirmation mail, if anything. */
  private async apply(
    em: EntityManager,
    input: PublicSubscribeDto,
    lists: MailingList[],
    origin: SignupOrigin,
  ): Promise<{ subscriberId: string; listIds: string[]; leftAt: Date | null } | null> {
    const emailKey = emailKeyOf(input.email);
    let subscriber = await em.findOneBy(Subscriber, { emailKey });
    if (subscriber?.status === 'blocklisted') return null;
    subscriber ??= await em.save(
      em.create(Subscriber, {
        email: input.email,
        emailKey,
        name: input.name ?? '',
        attributes: input.attributes ?? {},
        status: 'enabled',
      }),
    );
    const subscriberId = subscriber.id;
    const memberships = await em.findBy(Subscription, { subscriberId, listId: In(lists.map((l) => l.id)) });
    const current = new Map(memberships.map((s) => [s.listId, s.status]));

    const now = new Date();
    const toConfirm: string[] = [];
    for (const list of lists) {
      const action = signupAction(current.get(list.id), list.optIn);
      if (action === 'none') continue;
      if (action === 'confirm' || action === 'create-pending') {
        const confirmed = action === 'confirm';
        const status = confirmed ? 'confirmed' : 'unconfirmed';
        await em.insert(Subscription, { subscriberId, listId: list.id, status, confirmedAt: confirmed ? now : null });
      }
      await em.insert(Consent, {
        subscriberId,
        listId: list.id,
        ...origin,
        confirmedAt: action === 'confirm' ? now : null,
      });
      if (needsConfirmation(action)) toConfirm.push(list.id);
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
