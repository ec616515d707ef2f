import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { In, Repository } from 'typeorm';
import { emailKeyOf } from '../subscribers/subscriber.entity';
import { Suppression, SuppressionReason } from './suppression.entity';

/** The key of an address in the suppression list: sha256 (hex) of its trimmed, lower-cased form. */
export function suppressionHash(email: string): string {
  return createHash('sha256').update(emailKeyOf(email)).digest('hex');
}

/** Addresses that get no campaign mail: hard bounces, complaints, erased people. */
@Injectable()
export class SuppressionService {
  constructor(@InjectRepository(Suppression) private readonly suppressions: Repository<Suppression>) {}

  async isSuppressed(email: string): Promise<boolean> {
    return this.suppressions.exists({ where: { emailHash: suppressionHash(email) } });
  }

  /** Erased at the person's request: the address must never come back (sign-up, API, import refuse it). */
  async isErased(email: string): Promise<boolean> {
    return this.suppressions.exists({ where: { emailHash: suppressionHash(email), reason: 'erased' } });
  }

  /** Every erased hash, for an import to check each row in memory (erasures are few; they are never bulk). */
  async erasedHashes(): Promise<Set<string>> {
    const rows = await this.suppressions.find({ select: { emailHash: true }, where: { reason: 'erased' } });
    return new Set(rows.map((r) => r.emailHash));
  }

  /** The hashes among `emails`' that are suppressed: one query for a batch of recipients. */
  async suppressedAmong(emails: string[]): Promise<Set<string>> {
    if (!emails.length) return new Set();
    const rows = await this.suppressions.find({ select: { emailHash: true }, where: { emailHash: In(emails.map(suppressionHash)) } });
    return new Set(rows.map((r) => r.emailHash));
  }

  /** Idempotent: an address suppressed before keeps its first reason. */
  async suppress(email: string, reason: SuppressionReason, detail: string | null = null): Promise<void> {
    await this.suppressions
      .createQueryBuilder()
      .insert()
      .into(Suppression)
      .values({ emailHash: suppressionHash(email), reason, detail: detail?.slice(0, 2000) ?? null })
      .orIgnore()
      .execute();
  }
}
