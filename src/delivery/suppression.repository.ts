import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { Tx } from '../database/transaction';
import { Suppression, SuppressionReason } from './suppression.entity';

export type { Suppression, SuppressionReason } from './suppression.entity';

/** The one owner of the `suppressions` table (rows keyed by the address's hash; see suppressionHash). */
@Injectable()
export class SuppressionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  existsAmong(hashes: string[]): Promise<boolean> {
    return this.dataSource.manager.exists(Suppression, { where: { emailHash: In(hashes) } });
  }

  existsAmongWithReason(hashes: string[], reason: SuppressionReason): Promise<boolean> {
    return this.dataSource.manager.exists(Suppression, { where: { emailHash: In(hashes), reason } });
  }

  /** The first row found among `hashes`. */
  findAmong(hashes: string[]): Promise<Suppression | null> {
    return this.dataSource.manager.findOneBy(Suppression, { emailHash: In(hashes) });
  }

  /** Those of `hashes` that are suppressed. */
  async foundAmong(hashes: string[]): Promise<Set<string>> {
    const rows = await this.dataSource.manager.find(Suppression, {
      select: { emailHash: true },
      where: { emailHash: In(hashes) },
    });
    return new Set(rows.map((r) => r.emailHash));
  }

  async hashesWithReason(reason: SuppressionReason): Promise<Set<string>> {
    const rows = await this.dataSource.manager.find(Suppression, { select: { emailHash: true }, where: { reason } });
    return new Set(rows.map((r) => r.emailHash));
  }

  /** Adds a row unless the hash is there already (the first reason stays). */
  async addIfAbsent(emailHash: string, reason: SuppressionReason, detail: string | null): Promise<void> {
    await this.dataSource.manager
      .createQueryBuilder()
      .insert()
      .into(Suppression)
      .values({ emailHash, reason, detail })
      .orIgnore()
      .execute();
  }

  async deleteAmong(hashes: string[], tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).delete(Suppression, { emailHash: In(hashes) });
  }

  async add(emailHash: string, reason: SuppressionReason, detail: string | null, tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).insert(Suppression, { emailHash, reason, detail });
  }
}
