import type { BounceReason, BounceType } from './bounce-reasons';
import { readBounce } from './read-bounce';
import { collapseWhitespace } from './mime-message';

export type { BounceReason, BounceType } from './bounce-reasons';
export { headerFields, NotAReportError, REPORT_LIMITS } from './mime-message';

/** One outcome a message tells about one recipient. */
export interface ReportedBounce {
  email: string;
  type: BounceType;
  reason: BounceReason;
  /** the Message-ID of the original message, when the message carries it */
  messageId: string | null;
  /** what the message said, in one line: the status code and diagnostic, or the feedback type */
  detail: string;
}

export interface ParsedReport {
  /** an RFC 3464 DSN, an ARF or provider complaint, a mailed SES notification, a plain-text bounce, or none */
  kind: 'dsn' | 'arf' | 'ses' | 'plain' | 'none';
  bounces: ReportedBounce[];
  /** recipients the message names that are not failures (delivered, relayed, a not-spam report…) */
  ignored: number;
}

/** How a report's bounces were read, as BouncesService records their source ('none' carries none: 'plain'). */
export function sourceOf(report: ParsedReport): 'dsn' | 'arf' | 'ses' | 'plain' {
  return report.kind === 'none' ? 'plain' : report.kind;
}

/**
 * Reads any raw bounce or complaint message (see read-bounce.ts) into what BouncesService applies. An
 * auto-reply or a delivery notice is `kind: 'none'` with no bounces; only a message that cannot be read at all
 * (or is too costly to: see REPORT_LIMITS) throws NotAReportError.
 */
export async function parseReport(raw: Buffer | string): Promise<ParsedReport> {
  const reading = await readBounce(raw);
  return {
    kind: reading.kind,
    ignored: reading.ignored,
    bounces: reading.bounces.map((b) => ({
      email: b.email,
      type: b.type,
      reason: b.reason,
      messageId: b.messageId ?? null,
      detail: collapseWhitespace(
        // A complaint's or SES notice's diagnostic already names what it is (its status included).
        reading.kind === 'arf' || reading.kind === 'ses'
          ? (b.diagnostic ?? b.type)
          : `${b.status ?? ''}${b.diagnostic ? `: ${b.diagnostic}` : ''}`,
      ),
    })),
  };
}
