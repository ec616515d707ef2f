import { Injectable } from '@nestjs/common';
import { Transactions, Tx } from '../database/transaction';
import { MessageEventRepository, MessageEventType } from '../delivery/message-event.repository';
import { Message, MessageRepository } from '../delivery/message.repository';
import { SuppressionService, suppressionHash } from '../delivery/suppression.service';
import { storedEmailKeyOf } from '../subscribers/email-key';
import { SubscriberRepository } from '../subscribers/subscriber.repository';
import { SoftBounceRepository } from './soft-bounce.repository';
import { BounceRepository, logRowOf } from './bounce.repository';
import { sourceOf } from './report-parser';
import type { BounceReason, BounceType, ParsedReport } from './report-parser';
import { isUuid } from '../common/uuid';

/** Soft bounces in a row that suppress an address like a hard bounce. */
export const SOFT_BOUNCE_LIMIT = 3;

export interface BounceInput {
  email: string;
  type: BounceType;
  /** why, from the fixed set in bounce-reasons.ts */
  reason: BounceReason;
  /** our message id or the Message-ID header */
  messageId?: string | null;
  detail?: string | null;
  source: 'api' | 'dsn' | 'arf' | 'plain' | 'smtp' | 'ses' | 'sendgrid' | 'postmark' | 'mailgun';
}

export interface BounceOutcome {
  email: string;
  type: BounceType;
  reason: BounceReason;
  /** our id of the message it was linked to, if any */
  messageId: string | null;
  /** the address is on the suppression list now (campaigns skip it) */
  suppressed: boolean;
  /** soft bounces only: the current run (SOFT_BOUNCE_LIMIT suppresses) */
  softBounces?: number;
}

/**
 * What a bounce or complaint does.
 * - hard bounce: the address is suppressed at once; a linked message becomes 'bounced' with a 'bounced' event.
 * - complaint: suppressed at once; a linked message gets a 'complained' event (its status stays).
 * - blocked (the message or its sender was refused, not the address): never suppresses and is no soft bounce;
 *   a linked message gets a 'blocked' event, so reports show it.
 * - soft bounce: a linked message gets a 'deferred' event (a temporary failure: its status stays), and the
 *   address's run grows; SOFT_BOUNCE_LIMIT in a row suppress it (reason 'hard-bounce').
 *   A run is "in a row" unless a message to the address was marked sent after the run's last soft bounce
 *   and is not the message now bouncing: then the run starts again at 1. A bounce linked to no message is
 *   taken to be about the newest message sent, so it takes two such messages to reset the run. Repeated
 *   soft bounces of one linked message (delay warnings) count once.
 * A message is linked only when it was sent to the bounced address: a report never marks someone else's mail.
 */
@Injectable()
export class BouncesService {
  constructor(
    private readonly suppressions: SuppressionService,
    private readonly transactions: Transactions,
    private readonly messages: MessageRepository,
    private readonly events: MessageEventRepository,
    private readonly softBounces: SoftBounceRepository,
    private readonly subscribers: SubscriberRepository,
    private readonly bounceLog: BounceRepository,
  ) {}

  async applyReport(report: ParsedReport): Promise<{ kind: string; ignored: number; results: BounceOutcome[] }> {
    const results: BounceOutcome[] = [];
    for (const b of report.bounces) results.push(await this.apply({ ...b, source: sourceOf(report) }));
    return { kind: report.kind, ignored: report.ignored, results };
  }

  async apply(input: BounceInput): Promise<BounceOutcome> {
    const email = input.email.trim();
    const message = await this.linkedMessage(input.messageId, storedEmailKeyOf(email));
    // The suppression list keeps addresses as hashes: its detail must not name the address either.
    const detail = withoutAddress(input.detail ?? '', email) || null;
    const eventDetail = {
      type: input.type,
      reason: input.reason,
      source: input.source,
      ...(detail ? { detail } : {}),
    };
    const outcome: BounceOutcome = {
      email,
      type: input.type,
      reason: input.reason,
      messageId: message?.id ?? null,
      suppressed: false,
    };

    if (input.type === 'blocked') {
      if (message) await this.addEvent(message.id, 'blocked', eventDetail);
    } else if (input.type === 'hard') {
      await this.suppressions.suppress(
        email,
        'hard-bounce',
        `${input.source}: ${input.reason}: ${detail ?? 'hard bounce'}`,
      );
      if (message) await this.markBounced(message.id, eventDetail, detail);
      outcome.suppressed = true;
    } else if (input.type === 'complaint') {
      await this.suppressions.suppress(email, 'complaint', `${input.source}: ${detail ?? 'complaint'}`);
      if (message) await this.addEvent(message.id, 'complained', eventDetail);
      outcome.suppressed = true;
    } else {
      // Several delay warnings about one message (Exim sends one every few hours) are one soft bounce.
      const again = message ? await this.hadSoftBounce(message.id) : false;
      if (message) await this.addEvent(message.id, 'deferred', eventDetail);
      outcome.softBounces = again ? await this.currentRun(email) : await this.countSoft(email, message);
      if (outcome.softBounces >= SOFT_BOUNCE_LIMIT) {
        await this.suppressions.suppress(
          email,
          'hard-bounce',
          `${SOFT_BOUNCE_LIMIT} soft bounces in a row; last: ${detail ?? 'soft bounce'}`,
        );
        outcome.suppressed = true;
      }
    }
    await this.bounceLog.record(logRowOf(outcome, input.source, message?.campaignId ?? null, detail));
    return outcome;
  }

  /**
   * A synchronous hard refusal (SMTP said while sending that the address is bad): the delivery log has marked the
   * message 'bounced' and suppressed the address itself; this only adds it to the bounce log that the Bounces
   * page and the campaign report read, as every other bounce is.
   */
  async logHardRefusal(input: {
    email: string;
    reason: BounceReason;
    messageId: string;
    detail: string;
  }): Promise<void> {
    const message = await this.messages.findById(input.messageId);
    const outcome = {
      email: input.email,
      type: 'hard' as const,
      reason: input.reason,
      messageId: input.messageId,
      suppressed: true,
    };
    await this.bounceLog.record(
      logRowOf(outcome, 'smtp', message?.campaignId ?? null, withoutAddress(input.detail, input.email) || null),
    );
  }

  /** By our id, or by the Message-ID it went out with (angle brackets optional); only if sent to `emailKey`. */
  private async linkedMessage(ref: string | null | undefined, emailKey: string): Promise<Message | null> {
    const id = ref?.trim();
    if (!id) return null;
    const bracketed = id.startsWith('<') ? id : `<${id}>`;
    const localPart = /^<?([^@<>]+)@/.exec(id)?.[1];
    const found =
      (isUuid(id) ? await this.messages.findById(id) : null) ??
      (await this.messages.findBySmtpMessageId(bracketed)) ??
      (localPart && isUuid(localPart) ? await this.messages.findById(localPart) : null);
    return found && storedEmailKeyOf(found.toEmail) === emailKey ? found : null;
  }

  private async markBounced(id: string, eventDetail: Record<string, unknown>, detail: string | null): Promise<void> {
    await this.transactions.run(async (tx) => {
      const changed = await this.messages.updateIfStatus(
        id,
        ['queued', 'sending', 'sent'],
        { status: 'bounced', lastError: detail },
        tx,
      );
      if (changed) await this.addEvent(id, 'bounced', eventDetail, tx);
    });
  }

  private addEvent(messageId: string, type: MessageEventType, detail: Record<string, unknown>, tx?: Tx) {
    return this.events.add({ messageId, type, at: new Date(), detail }, tx);
  }

  private async hadSoftBounce(messageId: string): Promise<boolean> {
    const details = await this.events.detailsOfType(messageId, 'deferred');
    return details.some((d) => d?.type === 'soft');
  }

  private currentRun(email: string): Promise<number> {
    return this.softBounces.runOf(suppressionHash(email));
  }

  /** The address's soft-bounce run after this one (see the class comment). */
  private async countSoft(email: string, message: Message | null): Promise<number> {
    const key = storedEmailKeyOf(email);
    const onFile = await this.subscribers.emailByEmailKey(key);
    // to_email is stored as written; these are the spellings it can have for this address.
    const spellings = [...new Set([email, key, message?.toEmail, onFile].filter((s): s is string => !!s))];
    const emailHash = suppressionHash(key);
    return this.transactions.run(async (tx) => {
      const row = await this.softBounces.lockOrCreate(emailHash, tx);
      let run = row.run + 1;
      if (row.run > 0) {
        const deliveredSince = await this.messages.countSentToSince(spellings, row.lastAt, message?.id ?? null, tx);
        if (deliveredSince >= (message ? 1 : 2)) run = 1;
      }
      await this.softBounces.setRun(emailHash, run, new Date(), tx);
      return run;
    });
  }
}

/** Free text with the address cut out (a DSN's diagnostic usually repeats it). */
function withoutAddress(text: string, email: string): string {
  const pattern = new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  return text.replace(pattern, '<recipient>').replace(/\s+/g, ' ').trim().slice(0, 1000);
}
