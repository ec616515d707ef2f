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

  /**
   * Those of `hashes` that are suppressed. Raw, the hashes as one parameter (`= ANY` on PostgreSQL, a JSON
   * array on SQLite): it runs for every few dozen campaign messages, and TypeORM's In() binds each hash at a
   * cost that grows with the square of their number.
   */
  async foundAmong(hashes: string[]): Promise<Set<string>> {
    if (!hashes.length) return new Set();
    const rows: Array<{ email_hash: string }> =
      this.dataSource.options.type === 'postgres'
        ? await this.dataSource.query('SELECT email_hash FROM suppressions WHERE email_hash = ANY($1::text[])', [
            hashes,
          ])
        : await this.dataSource.query(
            'SELECT email_hash FROM suppressions WHERE email_hash IN (SELECT value FROM json_each(?))',
            [JSON.stringify(hashes)],
          );
    return new Set(rows.map((r) => r.email_hash));
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
