import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { legacyKeysOf, storedEmailKeyOf } from '../subscribers/email-key';
import { SuppressionReason, SuppressionRepository } from './suppression.repository';

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
  constructor(private readonly suppressions: SuppressionRepository) {}

  async isSuppressed(email: string): Promise<boolean> {
    return this.suppressions.existsAmong(suppressionHashes(email));
  }

  /** Erased at the person's request: the address must never come back (sign-up, API, import refuse it). */
  async isErased(email: string): Promise<boolean> {
    return this.suppressions.existsAmongWithReason(suppressionHashes(email), 'erased');
  }

  /** Every erased hash, for an import to check each row in memory (erasures are few; they are never bulk). */
  async erasedHashes(): Promise<Set<string>> {
    return this.suppressions.hashesWithReason('erased');
  }

  /** Those of `emails` that are suppressed (as given): one query for a batch of recipients. */
  async suppressedAmong(emails: string[]): Promise<Set<string>> {
    if (!emails.length) return new Set();
    const hashesOf = new Map(emails.map((e) => [e, suppressionHashes(e)]));
    const found = await this.suppressions.foundAmong([...new Set([...hashesOf.values()].flat())]);
    if (!found.size) return new Set();
    return new Set(emails.filter((e) => hashesOf.get(e)!.some((h) => found.has(h))));
  }

  /** Idempotent: an address suppressed before keeps its first reason. */
  async suppress(email: string, reason: SuppressionReason, detail: string | null = null): Promise<void> {
    await this.suppressions.addIfAbsent(suppressionHash(email), reason, detail?.slice(0, 2000) ?? null);
  }
}
