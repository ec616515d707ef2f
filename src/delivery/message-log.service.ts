import { Injectable } from '@nestjs/common';
import { Transactions, Tx } from '../database/transaction';
import type { SentMail } from './mail-transport.service';
import { MessageEventRepository, MessageEventType } from './message-event.repository';
import { Message, MessageRepository, MessageStatus } from './message.repository';
import { BouncesService } from '../bounces/bounces.service';
import { describeSmtpError, smtpRefusalOf } from './smtp-errors';
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
    private readonly transactions: Transactions,
    private readonly suppressions: SuppressionService,
    private readonly messages: MessageRepository,
    private readonly events: MessageEventRepository,
    private readonly bounces: BouncesService,
  ) {}

  find(id: string): Promise<Message | null> {
    return this.messages.findById(id);
  }

  /** Outbox messages (every kind but campaign) still to send, from the last week only (older ones are left for an operator rather than sent days late). */
  pendingOutbox(): Promise<string[]> {
    return this.messages.pendingOutboxIds(new Date(Date.now() - PENDING_WINDOW_MS));
  }

  /** Appends an event (opens, clicks… later; queued/sent/… through the methods below). */
  addEvent(messageId: string, type: MessageEventType, detail: Record<string, unknown> | null = null, tx?: Tx) {
    return this.events.add({ messageId, type, at: new Date(), detail }, tx);
  }

  /**
   * Right before SMTP: 'sending', one more attempt, and the Message-ID it goes out with (kept across retries);
   * compare-and-set on the status and attempts read (`seen`), so one job of two holding the message sends it.
   */
  markSending(id: string, smtpMessageId: string, seen: Pick<Message, 'status' | 'attempts'>): Promise<boolean> {
    return this.messages.markSending(id, smtpMessageId, seen);
  }

  /** Outbox messages queued and left unchanged for `idleMs`, from the last week: what the queue may have lost. */
  idleQueuedOutbox(idleMs: number): Promise<string[]> {
    return this.messages.idleQueuedOutboxIds(new Date(Date.now() - PENDING_WINDOW_MS), new Date(Date.now() - idleMs));
  }

  markSent(id: string, sent: SentMail): Promise<void> {
    return this.transition(id, ['queued', 'sending'], { status: 'sent', sentAt: new Date(), lastError: null }, 'sent', {
      response: sent.response.slice(0, 500),
    });
  }

  /**
   * Records several messages accepted by SMTP at once, in two statements and no transaction (what a campaign
   * does every few messages, so the fewer round trips the better): first each acceptance's 'sent' event, under
   * the id the caller chose for it, then the messages still queued or sending become 'sent' (sent_at: the first
   * acceptance's time). Tried again after a failure, it writes no event twice. The event is the fact (SMTP took
   * the message); a crash between the two leaves the message 'sending', and it is sent again at recovery, as any
   * message accepted and not recorded: its log then shows both acceptances, which is what happened.
   */
  async markSentMany(items: Array<{ id: string; eventId: string; sent: SentMail; at: Date }>): Promise<void> {
    if (!items.length) return;
    const events = items.map((i) => ({
      id: i.eventId,
      messageId: i.id,
      type: 'sent' as const,
      at: i.at,
      detail: { response: i.sent.response.slice(0, 500) },
    }));
    await this.events.addMany(events, undefined, true);
    await this.messages.markSentMany(
      items.map((i) => i.id),
      items[0].at,
    );
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
    const refusal = smtpRefusalOf(err);
    if (refusal?.outcome === 'hard-bounce') {
      await this.transition(message.id, ['queued', 'sending'], { status: 'bounced', lastError: error }, 'bounced', {
        error,
        type: 'hard',
        reason: refusal.reason,
      });
      await this.suppressions.suppress(message.toEmail, 'hard-bounce', error);
      await this.bounces.logHardRefusal({
        email: message.toEmail,
        reason: refusal.reason,
        messageId: message.id,
        detail: error,
      });
      return 'bounced';
    }
    if (refusal) {
      // Final for this message, but nothing against the address: a soft bounce counts towards a run
      // (BouncesService suppresses after three in a row), a blocked one only shows in reports.
      const type = refusal.outcome === 'soft-bounce' ? 'soft' : 'blocked';
      await this.transition(message.id, ['queued', 'sending'], { status: 'failed', lastError: error }, 'failed', {
        error,
        type,
        reason: refusal.reason,
      });
      await this.bounces.apply({
        email: message.toEmail,
        type,
        reason: refusal.reason,
        messageId: message.id,
        detail: error,
        source: 'smtp',
      });
      return 'failed';
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
    await this.transactions.run(async (tx) => {
      if (await this.messages.updateIfStatus(id, from, changes, tx)) await this.addEvent(id, event, detail, tx);
    });
  }
}
