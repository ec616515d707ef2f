import { Injectable } from '@nestjs/common';
import { BounceRepository } from '../../bounces/bounce.repository';
import { ERASED_RECIPIENT, MessageRepository } from '../../delivery/message.repository';
import { suppressionHash, suppressionHashes } from '../../delivery/suppression.service';
import { SuppressionRepository } from '../../delivery/suppression.repository';
import { reasonWords, typeWords } from './bounce-words';

const RECENT = 50;
const TOP_DOMAINS = 20;
const WINDOW_DAYS = 30;

export interface BounceRow {
  at: Date;
  type: string;
  typeWords: string;
  reasonWords: string;
  source: string;
  domain: string | null;
  /** the address, read from the linked message while it exists and is not erased */
  email: string | null;
  messageId: string | null;
  /** whether the linked message still exists, so the page links to it */
  messageExists: boolean;
  campaignId: string | null;
  suppressed: boolean;
}

export interface SuppressionFound {
  emailHash: string;
  reason: string;
  detail: string | null;
  since: Date;
  /** an erasure's suppression is for good: nobody may lift it */
  liftable: boolean;
}

export interface BouncesPage {
  recent: BounceRow[];
  byReason: Array<{ typeWords: string; type: string; reasonWords: string; count: number }>;
  byDomain: Array<{ domain: string; count: number }>;
  windowDays: number;
}

/**
 * The Bounces page: the newest bounces and complaints from the bounce log, with the address taken from the linked
 * message (the log keeps only hashes), the last 30 days counted by reason and by domain, and the suppression list,
 * which holds hashes too, so it is searched by address.
 */
@Injectable()
export class BouncesPageService {
  constructor(
    private readonly bounces: BounceRepository,
    private readonly messages: MessageRepository,
    private readonly suppressions: SuppressionRepository,
  ) {}

  async page(now = new Date()): Promise<BouncesPage> {
    const since = new Date(now.getTime() - WINDOW_DAYS * 86_400_000);
    const [rows, byReason, byDomain] = await Promise.all([
      this.bounces.recent(RECENT),
      this.bounces.countsByReason(since),
      this.bounces.countsByDomain(since, TOP_DOMAINS),
    ]);
    const ids = [...new Set(rows.map((r) => r.messageId).filter((id): id is string => !!id))];
    const found = ids.length ? await this.messages.findRecipients(ids) : [];
    const addresses = new Map(found.map((m) => [m.id, m.toEmail]));
    return {
      recent: rows.map((r) => {
        const to = r.messageId ? addresses.get(r.messageId) : undefined;
        return {
          at: r.at,
          type: r.type,
          typeWords: typeWords(r.type),
          reasonWords: reasonWords(r.reason),
          source: r.source,
          domain: r.domain,
          // A message of another address never names this one: the hash must match.
          email: to && to !== ERASED_RECIPIENT && r.emailHash === suppressionHash(to) ? to : null,
          messageId: r.messageId,
          messageExists: to !== undefined,
          campaignId: r.campaignId,
          suppressed: r.suppressed,
        };
      }),
      byReason: byReason.map((c) => ({ ...c, typeWords: typeWords(c.type), reasonWords: reasonWords(c.reason) })),
      byDomain,
      windowDays: WINDOW_DAYS,
    };
  }

  /** The address's entry in the suppression list, under any hash it may have (see suppressionHashes). */
  async findSuppression(email: string): Promise<SuppressionFound | null> {
    const row = await this.suppressions.findAmong(suppressionHashes(email));
    if (!row) return null;
    return {
      emailHash: row.emailHash,
      reason: row.reason,
      detail: row.detail,
      since: row.createdAt,
      liftable: row.reason !== 'erased',
    };
  }
}
