import { Injectable } from '@nestjs/common';
import addressparser from 'nodemailer/lib/addressparser';
import { AppConfig } from '../config/app-config';
import { MessageRepository } from '../delivery/message.repository';
import { storedEmailKeyOf } from '../subscribers/email-key';
import { BounceOutcome, BouncesService } from './bounces.service';
import { classifyFailure, statusOf } from './classify-status';
import { collapseWhitespace, parseMessage } from './mime-message';
import { humanText } from './plain-bounce-reader';
import { NotAReportError, parseReport, ParsedReport, ReportedBounce, sourceOf } from './report-parser';
import { messageOfVerp } from './verp';

/** What became of a message that reached the bounce listener or the mailbox. */
export type IntakeResult =
  | { kind: 'applied'; results: BounceOutcome[] }
  /** an auto-reply, a delivery notice: nothing to record */
  | { kind: 'not-a-bounce' }
  /** the message cannot be read (see NotAReportError); `why` says what is wrong */
  | { kind: 'unreadable'; why: string };

/** Where a delivering MTA writes the envelope recipient, most reliable first; then the visible recipients. */
const RECIPIENT_HEADERS = ['delivered-to', 'x-original-to', 'envelope-to', 'x-envelope-to', 'to', 'cc'];

/**
 * Bounce mail that came in by the listener or the mailbox, read like a raw POST /api/events/bounces, and tied
 * to the message its VERP address names: that message had one recipient, so whatever address the bounce's
 * body names (a forwarding target, an alias, or none at all), it is about that message's `to_email`.
 */
@Injectable()
export class VerpBounces {
  constructor(
    private readonly config: AppConfig,
    private readonly bounces: BouncesService,
    private readonly messages: MessageRepository,
  ) {}

  /** Our message row id that a VERP recipient of ours names, or null. */
  messageOf(address: string): string | null {
    const domain = this.config.bounceDomain;
    return domain ? messageOfVerp({ bounceDomain: domain, appSecret: this.config.appSecret }, address) : null;
  }

  /** The first VERP address of ours among the message's envelope-recipient and recipient headers. */
  messageInHeaders(raw: Buffer): string | null {
    const head = raw
      .subarray(0, 64 * 1024)
      .toString('latin1')
      .split(/\r?\n\r?\n/, 1)[0];
    const fields = head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
    for (const name of RECIPIENT_HEADERS) {
      for (const line of fields) {
        if (line.slice(0, name.length + 1).toLowerCase() !== `${name}:`) continue;
        for (const { address } of addressparser(line.slice(name.length + 1), { flatten: true })) {
          const id = address ? this.messageOf(address) : null;
          if (id) return id;
        }
      }
    }
    return null;
  }

  /** Reads and records one message; `messageId` is what its VERP address named (null: link by Message-ID). */
  async receive(raw: Buffer, messageId: string | null): Promise<IntakeResult> {
    let report: ParsedReport;
    try {
      report = await parseReport(raw);
    } catch (err) {
      if (err instanceof NotAReportError) return { kind: 'unreadable', why: err.message };
      throw err;
    }
    const message = messageId ? await this.messages.findById(messageId) : null;
    if (!message) {
      // No VERP (a mailbox that also gets bounces to MAIL_FROM), or its message is gone (erased): as the API does.
      if (!report.bounces.length) return { kind: 'not-a-bounce' };
      return { kind: 'applied', results: (await this.bounces.applyReport(report)).results };
    }
    const bounce = this.bounceFor(report, message.toEmail) ?? (await this.namelessBounce(raw, report));
    if (!bounce) return { kind: 'not-a-bounce' };
    const outcome = await this.bounces.apply({
      ...bounce,
      email: message.toEmail,
      messageId: message.id,
      source: sourceOf(report),
    });
    return { kind: 'applied', results: [outcome] };
  }

  /** The report's word on the message's recipient; else on whoever it names (the address mail was forwarded to). */
  private bounceFor(report: ParsedReport, toEmail: string): ReportedBounce | undefined {
    const key = storedEmailKeyOf(toEmail);
    return report.bounces.find((b) => storedEmailKeyOf(b.email) === key) ?? report.bounces[0];
  }

  /**
   * A bounce that names no recipient (the VERP address is all that ties it): read from its own text. What the
   * text does not make clear is `blocked`/`other`, which suppresses nobody.
   */
  private async namelessBounce(raw: Buffer, report: ParsedReport): Promise<ReportedBounce | null> {
    // 'none' is no bounce at all (an auto-reply); a report that names only deliveries is no failure either.
    if (report.kind === 'none' || report.ignored > 0) return null;
    const message = await parseMessage(raw, true);
    const text = humanText(message.email.text ?? message.rawBody);
    const status = statusOf({ text });
    const { type, reason } = classifyFailure(status, text);
    const detail = collapseWhitespace(text, 300);
    return { email: '', type, reason, messageId: null, detail: status ? `${status}: ${detail}` : detail };
  }
}
