import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { In, Repository } from 'typeorm';
import { legacyKeysOf, storedEmailKeyOf } from '../subscribers/email-key';
import { Suppression, SuppressionReason } from './suppression.entity';

/** The key of an address in the suppression list: sha256 (hex) of its key (emailKeyOf). */
export function suppressionHash(email: string): string {
  return sha256(storedEmailKeyOf(email));
}

/**
 * Every hash under which this address may be suppressed: its key's, and for a non-ASCII address those of
 * the keys it had before keys were normalised (legacyKeysOf): a hash cannot be re-keyed by a migration,
 * so an address erased or bounced back then is still found however it is spelled now.
 */
export function suppressionHashes(email: string): string[] {
  return [suppressionHash(email), ...legacyKeysOf(email).map(sha256)];
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Addresses that get no campaign mail: hard bounces, complaints, erased people. */
@Injectable()
export class SuppressionService {
  constructor(@InjectRepository(Suppression) private readonly suppressions: Repository<Suppression>) {}

  async isSuppressed(email: string): Promise<boolean> {
    return this.suppressions.exists({ where: { emailHash: In(suppressionHashes(email)) } });
  }

  /** Erased at the person's request: the address must never come back (sign-up, API, import refuse it). */
  async isErased(email: string): Promise<boolean> {
    return this.suppressions.exists({ where: { emailHash: In(suppressionHashes(email)), reason: 'erased' } });
  }

  /** Every erased hash, for an import to check each row in memory (erasures are few; they are never bulk). */
  async erasedHashes(): Promise<Set<string>> {
    const rows = await this.suppressions.find({ select: { emailHash: true }, where: { reason: 'erased' } });
    return new Set(rows.map((r) => r.emailHash));
  }

  /** Those of `emails` that are suppressed (as given): one query for a batch of recipients. */
  async suppressedAmong(emails: string[]): Promise<Set<string>> {
    if (!emails.length) return new Set();
    const hashesOf = new Map(emails.map((e) => [e, suppressionHashes(e)]));
    const rows = await this.suppressions.find({
      select: { emailHash: true },
      where: { emailHash: In([...new Set([...hashesOf.values()].flat())]) },
    });
    if (!rows.length) return new Set();
    const found = new Set(rows.map((r) => r.emailHash));
    return new Set(emails.filter((e) => hashesOf.get(e)!.some((h) => found.has(h))));
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
