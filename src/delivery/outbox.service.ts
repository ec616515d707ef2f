import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Transactions, Tx } from '../database/transaction';
import { PeriodicSweep, SWEEP_INTERVAL_MS } from '../queues/periodic-sweep';
import { deliveryJobOptions, JobName, QueueName, QueueOf } from '../queues/queues';
import { MessageEventRepository } from './message-event.repository';
import { MessageLogService } from './message-log.service';
import { MessageKind, MessageRepository, MessageStream } from './message.repository';

/** Every kind of mail but a campaign's own messages (those are created and sent in batches by the campaign). */
export type OutboxKind = Exclude<MessageKind, 'campaign'>;

/** The stream each kind is shown on: test sends are campaign mail; the service's own mail is transactional. */
export const STREAM_OF: Record<OutboxKind, MessageStream> = {
  transactional: 'transactional',
  confirmation: 'transactional',
  'preferences-link': 'transactional',
  test: 'campaign',
  automation: 'campaign',
};

export interface OutboxMail {
  kind: OutboxKind;
  to: { email: string; name?: string };
  /** the template's slug ('campaign' for a test send) */
  template: string;
  templateVersionId?: string | null;
  /** what its composer needs to write it (see MailComposers); the job itself carries only the message id */
  data: Record<string, unknown> | null;
  subscriberId?: string | null;
  idempotencyKey?: string | null;
  /**
   * A fixed message id (messageIdFor(key)) for mail asked for by a job: the job run twice (a retry after the
   * row was written) finds its message instead of writing a second one.
   */
  id?: string;
}

/** Redis round trips of a sweep at once (one per message looked up). */
const SWEEP_LOOKUPS = 50;

/** A UUID (version 8, RFC 9562) derived from `key`: the same key names the same message. */
export function messageIdFor(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The one way mail leaves the service (campaign batches aside): a message row with its 'queued' event, then a
 * job whose id is the message id, so queueing twice is harmless. OutboxProcessor sends it with the same
 * retries, SMTP error handling, bounce suppression and log for every kind.
 */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxService.name);
  private readonly sweeper = new PeriodicSweep('OutboxSweeper', () => this.requeueLost());

  constructor(
    private readonly transactions: Transactions,
    @InjectQueue(QueueName.Transactional) private readonly queue: QueueOf<typeof JobName.SendMessage>,
    private readonly log: MessageLogService,
    private readonly messages: MessageRepository,
    private readonly events: MessageEventRepository,
  ) {}

  /** Records the message and queues its send; answers its id. */
  async send(mail: OutboxMail): Promise<string> {
    let id = mail.id && (await this.log.find(mail.id)) ? mail.id : null;
    if (!id) {
      try {
        id = await this.transactions.run((tx) => this.create(mail, tx));
      } catch (e) {
        // The same fixed id written at the same moment by another run: that one's row stands.
        if (!mail.id || !(await this.log.find(mail.id))) throw e;
        id = mail.id;
      }
    }
    await this.enqueue(id);
    return id;
  }

  /**
   * Writes the message and its 'queued' event in the caller's transaction (which may do more, such as setting an
   * expired idempotency key aside); the caller enqueues the id once it has committed.
   */
  async create(mail: OutboxMail, tx?: Tx): Promise<string> {
    const id = await this.messages.create(
      {
        ...(mail.id ? { id: mail.id } : {}),
        stream: STREAM_OF[mail.kind],
        kind: mail.kind,
        subscriberId: mail.subscriberId ?? null,
        toEmail: mail.to.email,
        toName: mail.to.name ?? '',
        template: mail.template,
        templateVersionId: mail.templateVersionId ?? null,
        data: mail.data,
        status: 'queued',
        idempotencyKey: mail.idempotencyKey ?? null,
      },
      tx,
    );
    await this.events.add({ messageId: id, type: 'queued', at: new Date(), detail: null }, tx);
    return id;
  }

  /** The job id is the message id: queueing a message twice is harmless. */
  async enqueue(messageId: string): Promise<void> {
    await this.queue.add(JobName.SendMessage, { messageId }, { ...deliveryJobOptions, jobId: messageId });
  }

  /**
   * Messages the queue may have lost (Redis flushed, a crash before queueing) are queued again; job ids make it
   * harmless. Then, while the process runs, the same for what Redis loses later (requeueLost, every sweep).
   */
  async onApplicationBootstrap(): Promise<void> {
    const pending = await this.log.pendingOutbox();
    for (const id of pending) await this.enqueue(id);
    if (pending.length) this.logger.log({ count: pending.length }, 'pending outbox messages queued again');
    this.sweeper.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeper.stop();
  }

  /**
   * The sweep: every message queued and left unchanged for a sweep interval (a message being queued right now
   * is left to its writer; a deferred one is changed at each deferral) whose job Redis no longer holds, or
   * holds finished (a job kept after it completed or failed for good would swallow a new one of the same id),
   * gets its job again. One query, plus one Redis look-up per such message: none while all is well.
   * Sending it twice is impossible: the processor claims the message (compare-and-set) before SMTP.
   */
  async requeueLost(): Promise<number> {
    const idle = await this.log.idleQueuedOutbox(SWEEP_INTERVAL_MS);
    let requeued = 0;
    for (let i = 0; i < idle.length; i += SWEEP_LOOKUPS) {
      await Promise.all(
        idle.slice(i, i + SWEEP_LOOKUPS).map(async (id) => {
          const job = await this.queue.getJob(id);
          if (job && !job.finishedOn) return; // waiting, running, or delayed for a retry
          if (job) await job.remove();
          await this.enqueue(id);
          requeued++;
        }),
      );
    }
    if (requeued) this.logger.warn({ count: requeued }, 'outbox messages without a job queued again');
    return requeued;
  }
}
