import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, MoreThanOrEqual, Not } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { inTransaction } from '../database/transaction';
import { updateReturningIds } from '../database/update-returning';
import type { SentMail } from './mail-transport.service';
import { MessageEvent, MessageEventType } from './message-event.entity';
import { Message, MessageStatus } from './message.entity';
import { classifySmtpError, describeSmtpError } from './smtp-errors';
import { SuppressionService } from './suppression.service';

const PENDING_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** What became of a message after SMTP refused it. */
export type FailureOutcome = 'bounced' | 'deferred' | 'failed';

/**
 * Every change of a message's status together with its event, in one transaction, for both streams.
 * Status updates are conditional on the status the message is expected to have, so a late retry
 * never turns a 'sent' message back into anything else.
 */
@Injectable()
export class MessageLogService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly suppressions: SuppressionService,
  ) {}

  find(id: string): Promise<Message | null> {
    return this.dataSource.getRepository(Message).findOneBy({ id });
  }

  /** Outbox messages (every kind but campaign) still to send, from the last week only (older ones are left for an operator rather than sent days late). */
  async pendingOutbox(): Promise<string[]> {
    const rows = await this.dataSource.getRepository(Message).find({
      select: { id: true },
      where: {
        kind: Not('campaign'),
        status: In(['queued', 'sending']),
        createdAt: MoreThanOrEqual(new Date(Date.now() - PENDING_WINDOW_MS)),
      },
      order: { createdAt: 'ASC' },
    });
    return rows.map((r) => r.id);
  }

  /** Appends an event (opens, clicks… later; queued/sent/… through the methods below). */
  addEvent(
    messageId: string,
    type: MessageEventType,
    detail: Record<string, unknown> | null = null,
    m: EntityManager = this.dataSource.manager,
  ) {
    // TypeORM's insert typing cannot see through a JSON column's Record type; the row is exactly an event.
    return m.insert(MessageEvent, { messageId, type, at: new Date(), detail } as QueryDeepPartialEntity<MessageEvent>);
  }

  /** Right before SMTP: 'sending', one more attempt, and the Message-ID it goes out with (kept across retries). */
  async markSending(id: string, smtpMessageId: string): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Message)
      .set({ status: 'sending', smtpMessageId, attempts: () => 'attempts + 1' })
      .where({ id, status: In(['queued', 'sending']) })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  markSent(id: string, sent: SentMail): Promise<void> {
    return this.transition(id, ['queued', 'sending'], { status: 'sent', sentAt: new Date(), lastError: null }, 'sent', {
      response: sent.response.slice(0, 500),
    });
  }

  /**
   * Records several messages accepted by SMTP at once (one transaction, one UPDATE, one INSERT): what a
   * campaign does every few messages. `at` is each one's acceptance time; the rows' sent_at is the time
   * of the first of them. Only messages still queued or sending change, and only those get their event.
   */
  async markSentMany(items: Array<{ id: string; sent: SentMail; at: Date }>): Promise<void> {
    if (!items.length) return;
    await inTransaction(this.dataSource, async (m) => {
      const changed = new Set(
        await updateReturningIds(
          m,
          m
            .createQueryBuilder()
            .update(Message)
            .set({ status: 'sent', sentAt: items[0].at, lastError: null })
            .where({ id: In(items.map((i) => i.id)), status: In(['queued', 'sending'] satisfies MessageStatus[]) }),
        ),
      );
      const events = items
        .filter((i) => changed.has(i.id))
        .map((i) => ({
          messageId: i.id,
          type: 'sent' as const,
          at: i.at,
          detail: { response: i.sent.response.slice(0, 500) },
        }));
      if (events.length) await m.insert(MessageEvent, events);
    });
  }

  /** Not sent on purpose (unsubscribed or suppressed meanwhile): final. */
  markSkipped(id: string, reason: string): Promise<void> {
    return this.transition(id, ['queued', 'sending'], { status: 'skipped' }, 'skipped', { reason });
  }

  /** Cannot be sent at all (the template no longer renders with the data): final, nothing to retry. */
  markFailed(id: string, error: string): Promise<void> {
    return this.transition(id, ['queued', 'sending'], { status: 'failed', lastError: error }, 'failed', { error });
  }

  /**
   * Records an SMTP refusal. A hard bounce is final: 'bounced', and the address is suppressed for campaigns.
   * Anything else is 'deferred' (back to 'queued', the caller throws so Bull retries) or, on the
   * last attempt, 'failed'.
   */
  async recordFailure(
    message: Pick<Message, 'id' | 'toEmail'>,
    err: unknown,
    lastAttempt: boolean,
  ): Promise<FailureOutcome> {
    const error = describeSmtpError(err);
    if (classifySmtpError(err) === 'hard-bounce') {
      await this.transition(message.id, ['queued', 'sending'], { status: 'bounced', lastError: error }, 'bounced', {
        error,
      });
      await this.suppressions.suppress(message.toEmail, 'hard-bounce', error);
      return 'bounced';
    }
    if (lastAttempt) {
      await this.transition(message.id, ['queued', 'sending'], { status: 'failed', lastError: error }, 'failed', {
        error,
      });
      return 'failed';
    }
    await this.transition(message.id, ['queued', 'sending'], { status: 'queued', lastError: error }, 'deferred', {
      error,
    });
    return 'deferred';
  }

  /** Changes the status only from one of `from`; the event is written only when it did. */
  private async transition(
    id: string,
    from: MessageStatus[],
    changes: Pick<Partial<Message>, 'status' | 'sentAt' | 'lastError'>,
    event: MessageEventType,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await inTransaction(this.dataSource, async (m) => {
      const result = await m.update(Message, { id, status: In(from) }, changes);
      if (result.affected) await this.addEvent(id, event, detail, m);
    });
  }
}
