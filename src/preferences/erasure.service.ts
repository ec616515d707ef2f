import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { BounceRepository } from '../bounces/bounce.repository';
import { SoftBounceRepository } from '../bounces/soft-bounce.repository';
import { AppConfig } from '../config/app-config';
import { Transactions, Tx } from '../database/transaction';
import { MessageEventRepository } from '../delivery/message-event.repository';
import { ERASED_RECIPIENT, Message, MessageRepository } from '../delivery/message.repository';
import { removeOutboxFiles } from '../delivery/outbox-files';
import { suppressionHash, suppressionHashes } from '../delivery/suppression.service';
import { SuppressionRepository } from '../delivery/suppression.repository';
import { ImportRepository } from '../imports/import.repository';
import { JobName, QueueName, QueueOf } from '../queues/queues';
import { SubscriberRepository } from '../subscribers/subscriber.repository';
import type { Subscriber } from '../subscribers/subscriber.repository';
import { OrdersService } from '../orders/orders.service';
import { ConsentRepository } from './consent.repository';
import { messagesOf } from './data-export.service';
import { mentions, needlesOf, redact, scrubDetail } from './erasure-scrub';

const SLICE = 500;

/**
 * Erasure at the person's request (POST /p/:token/erase), in one transaction:
 * - the subscriber goes, with memberships, consent records and their order history (src/orders);
 * - their messages (by subscriber id or address, both streams) stay as anonymous rows for the campaign
 *   numbers: no address, name, template data or subscriber id; events keep their type, time and the
 *   flags behind the aggregates, never IP or user agent; mail still waiting is not sent;
 * - the address is cut out of import error lists;
 * - after the commit, the jobs of their outbox messages (every kind but campaign) leave Redis (a failed one keeps
 *   the SMTP error for a week, and an SMTP answer may quote the address; campaign batch and sign-up jobs hold ids only);
 * - in outbox mode (no SMTP_URL), the .eml files of their messages (confirmation mails included, and those
 *   written before confirmations had a message row, named after the person) are deleted, found by id in the file names (files written before names carried an id: by the address in their
 *   headers); last in the transaction, so a failure leaves nothing half done;
 * - their rows in the bounce log lose hash, domain and detail (the counts stay, like the messages');
 * - an 'erased' suppression keeps only the address's sha256, so no import, sign-up or API call can
 *   bring the person back (it replaces an earlier suppression of another reason and its detail).
 */
@Injectable()
export class ErasureService {
  private readonly logger = new Logger(ErasureService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly config: AppConfig,
    @InjectQueue(QueueName.Transactional) private readonly transactional: QueueOf<typeof JobName.SendMessage>,
    private readonly messageRows: MessageRepository,
    private readonly events: MessageEventRepository,
    private readonly suppressions: SuppressionRepository,
    private readonly softBounces: SoftBounceRepository,
    private readonly bounceLog: BounceRepository,
    private readonly subscribers: SubscriberRepository,
    private readonly consents: ConsentRepository,
    private readonly imports: ImportRepository,
    private readonly orders: OrdersService,
  ) {}

  async erase(subscriber: Subscriber): Promise<void> {
    const needles = needlesOf(subscriber);
    const count = await this.transactions.run(async (m) => {
      const messages = await this.messageRows.ofPersonForErasure(messagesOf(subscriber), m);
      await this.scrubMessages(m, messages, needles);
      await this.scrubImports(m, needles);
      await this.consents.deleteBySubscriber(subscriber.id, m);
      await this.orders.eraseAddress(subscriber.emailKey, m);
      await this.subscribers.delete(subscriber.id, m); // memberships go with it (ON DELETE CASCADE)
      // Also what an older spelling of the key left (see suppressionHashes): one 'erased' row replaces them all.
      const hash = suppressionHash(subscriber.emailKey);
      await this.softBounces.deleteAmong(suppressionHashes(subscriber.emailKey), m);
      await this.bounceLog.anonymiseAmong(suppressionHashes(subscriber.emailKey), m);
      await this.suppressions.deleteAmong(suppressionHashes(subscriber.emailKey), m);
      await this.suppressions.add(hash, 'erased', null, m);
      const refs = [subscriber.id, ...messages.map((x) => x.id)];
      const files = this.config.smtpUrl
        ? 0
        : await removeOutboxFiles(this.config.dataDir, refs, [
            subscriber.email.trim(),
            ...needles.filter((n) => n.includes('@')),
          ]);
      return { messages, files };
    });
    const jobs = await this.forgetJobs(count.messages.filter((x) => x.kind !== 'campaign').map((x) => x.id));
    this.logger.log(
      { messages: count.messages.length, files: count.files, jobs },
      'subscriber erased at their request',
    );
  }

  /** Removes the jobs of these outbox messages (job id = message id); one still running is left to finish as skipped. */
  private async forgetJobs(ids: string[]): Promise<number> {
    let removed = 0;
    for (const id of ids) {
      try {
        const job = await this.transactional.getJob(id);
        if (job) {
          await job.remove();
          removed++;
        }
      } catch (err: unknown) {
        this.logger.warn({ err, messageId: id }, 'could not remove the job of an erased message');
      }
    }
    return removed;
  }

  private async scrubMessages(
    m: Tx,
    messages: Pick<Message, 'id' | 'status' | 'lastError' | 'idempotencyKey'>[],
    needles: string[],
  ) {
    const now = new Date();
    for (let i = 0; i < messages.length; i += SLICE) {
      const slice = messages.slice(i, i + SLICE);
      const ids = slice.map((x) => x.id);
      await this.messageRows.anonymise(ids, ERASED_RECIPIENT, m);
      // Mail not yet handed to SMTP is not sent any more.
      const waiting = slice.filter((x) => x.status === 'queued').map((x) => x.id);
      if (waiting.length) {
        await this.messageRows.skipQueued(waiting, m);
        await this.events.addMany(
          waiting.map((messageId) => ({ messageId, type: 'skipped' as const, at: now, detail: { reason: 'erased' } })),
          m,
        );
      }
      for (const x of slice) {
        const changes: Pick<Partial<Message>, 'lastError' | 'idempotencyKey'> = {};
        if (mentions(x.lastError, needles)) changes.lastError = redact(x.lastError!, needles);
        if (mentions(x.idempotencyKey, needles)) changes.idempotencyKey = null;
        if (Object.keys(changes).length) await this.messageRows.updateErrorAndKey(x.id, changes, m);
      }
      const events = await this.events.detailsOf(ids, m);
      for (const e of events) {
        if (e.detail === null) continue;
        const scrubbed = scrubDetail(e.detail, needles);
        if (JSON.stringify(scrubbed) !== JSON.stringify(e.detail)) await this.events.updateDetail(e.id, scrubbed, m);
      }
    }
  }

  /** Import error lists are few and short (capped per import); the address is cut out of their messages. */
  private async scrubImports(m: Tx, needles: string[]) {
    const imports = await this.imports.findErrorTexts(m);
    for (const imp of imports) {
      const errors = imp.errors ?? [];
      if (!errors.some((e) => mentions(e.message, needles)) && !mentions(imp.failure, needles)) continue;
      await this.imports.replaceErrorTexts(
        imp.id,
        {
          errors: errors.map((e) => ({ row: e.row, message: redact(e.message, needles) })),
          failure: imp.failure === null ? null : redact(imp.failure, needles),
        },
        m,
      );
    }
  }
}
