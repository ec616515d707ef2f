import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, MoreThan, Not } from 'typeorm';
import { inTransaction } from '../database/transaction';
import { MessageEvent, MessageEventType } from '../delivery/message-event.entity';
import { Message } from '../delivery/message.entity';
import { SuppressionService, suppressionHash } from '../delivery/suppression.service';
import { storedEmailKeyOf } from '../subscribers/email-key';
import { SubscriberRepository } from '../subscribers/subscriber.repository';
import { SoftBounce } from './soft-bounce.entity';
import type { BounceType, ParsedReport } from './report-parser';
import { isUuid } from '../common/uuid';

/** Soft bounces in a row that suppress an address like a hard bounce. */
export const SOFT_BOUNCE_LIMIT = 3;

export interface BounceInput {
  email: string;
  type: BounceType;
  /** our message id or the Message-ID header */
  messageId?: string | null;
  detail?: string | null;
  source: 'api' | 'dsn' | 'arf';
}

export interface BounceOutcome {
  email: string;
  type: BounceType;
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
    @InjectDataSource() private readonly db: DataSource,
    private readonly suppressions: SuppressionService,
    private readonly subscribers: SubscriberRepository,
  ) {}

  async applyReport(report: ParsedReport): Promise<{ kind: string; ignored: number; results: BounceOutcome[] }> {
    const results: BounceOutcome[] = [];
    for (const b of report.bounces) results.push(await this.apply({ ...b, source: report.kind }));
    return { kind: report.kind, ignored: report.ignored, results };
  }

  async apply(input: BounceInput): Promise<BounceOutcome> {
    const email = input.email.trim();
    const message = await this.linkedMessage(input.messageId, storedEmailKeyOf(email));
    // The suppression list keeps addresses as hashes: its detail must not name the address either.
    const detail = withoutAddress(input.detail ?? '', email) || null;
    const eventDetail = { type: input.type, source: input.source, ...(detail ? { detail } : {}) };
    const outcome: BounceOutcome = { email, type: input.type, messageId: message?.id ?? null, suppressed: false };

    if (input.type === 'hard') {
      await this.suppressions.suppress(email, 'hard-bounce', `${input.source}: ${detail ?? 'hard bounce'}`);
      if (message) await this.markBounced(message.id, eventDetail, detail);
      outcome.suppressed = true;
    } else if (input.type === 'complaint') {
      await this.suppressions.suppress(email, 'complaint', `${input.source}: ${detail ?? 'complaint'}`);
      if (message) await this.addEvent(this.db.manager, message.id, 'complained', eventDetail);
      outcome.suppressed = true;
    } else {
      // Several delay warnings about one message (Exim sends one every few hours) are one soft bounce.
      const again = message ? await this.hadSoftBounce(message.id) : false;
      if (message) await this.addEvent(this.db.manager, message.id, 'deferred', eventDetail);
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
    return outcome;
  }

  /** By our id, or by the Message-ID it went out with (angle brackets optional); only if sent to `emailKey`. */
  private async linkedMessage(ref: string | null | undefined, emailKey: string): Promise<Message | null> {
    const id = ref?.trim();
    if (!id) return null;
    const repo = this.db.getRepository(Message);
    const bracketed = id.startsWith('<') ? id : `<${id}>`;
    const localPart = /^<?([^@<>]+)@/.exec(id)?.[1];
    const found =
      (isUuid(id) ? await repo.findOneBy({ id }) : null) ??
      (await repo.findOneBy({ smtpMessageId: bracketed })) ??
      (localPart && isUuid(localPart) ? await repo.findOneBy({ id: localPart }) : null);
    return found && storedEmailKeyOf(found.toEmail) === emailKey ? found : null;
  }

  private async markBounced(id: string, eventDetail: Record<string, unknown>, detail: string | null): Promise<void> {
    await inTransaction(this.db, async (m) => {
      const changed = await m.update(
        Message,
        { id, status: In(['queued', 'sending', 'sent']) },
        { status: 'bounced', lastError: detail },
      );
      if (changed.affected) await this.addEvent(m, id, 'bounced', eventDetail);
    });
  }

  private addEvent(m: EntityManager, messageId: string, type: MessageEventType, detail: Record<string, unknown>) {
    return m.getRepository(MessageEvent).insert({ messageId, type, at: new Date(), detail: detail as never });
  }

  private async hadSoftBounce(messageId: string): Promise<boolean> {
    const events = await this.db
      .getRepository(MessageEvent)
      .find({ select: { detail: true }, where: { messageId, type: 'deferred' } });
    return events.some((e) => e.detail?.type === 'soft');
  }

  private async currentRun(email: string): Promise<number> {
    return (await this.db.getRepository(SoftBounce).findOneBy({ emailHash: suppressionHash(email) }))?.run ?? 0;
  }

  /** The address's soft-bounce run after this one (see the class comment). */
  private async countSoft(email: string, message: Message | null): Promise<number> {
    const key = storedEmailKeyOf(email);
    const onFile = await this.subscribers.emailByEmailKey(key);
    // to_email is stored as written; these are the spellings it can have for this address.
    const spellings = [...new Set([email, key, message?.toEmail, onFile].filter((s): s is string => !!s))];
    const emailHash = suppressionHash(key);
    return inTransaction(this.db, async (m) => {
      await m
        .createQueryBuilder()
        .insert()
        .into(SoftBounce)
        .values({ emailHash, run: 0, lastAt: new Date(0) })
        .orIgnore()
        .execute();
      const lock = m.connection.options.type === 'postgres' ? { mode: 'pessimistic_write' as const } : undefined;
      const row = await m.findOneOrFail(SoftBounce, { where: { emailHash }, lock });
      let run = row.run + 1;
      if (row.run > 0) {
        const deliveredSince = await m.count(Message, {
          where: {
            toEmail: In(spellings),
            status: 'sent',
            sentAt: MoreThan(row.lastAt),
            ...(message ? { id: Not(message.id) } : {}),
          },
        });
        if (deliveredSince >= (message ? 1 : 2)) run = 1;
      }
      await m.update(SoftBounce, { emailHash }, { run, lastAt: new Date() });
      return run;
    });
  }
}

/** Free text with the address cut out (a DSN's diagnostic usually repeats it). */
function withoutAddress(text: string, email: string): string {
  const pattern = new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  return text.replace(pattern, '<recipient>').replace(/\s+/g, ' ').trim().slice(0, 1000);
}
