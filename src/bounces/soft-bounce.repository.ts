import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { Tx } from '../database/transaction';
import { SoftBounce } from './soft-bounce.entity';

export type { SoftBounce } from './soft-bounce.entity';

/** The one owner of the `soft_bounces` table: an address's current run of soft bounces, by its hash. */
@Injectable()
export class SoftBounceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async runOf(emailHash: string): Promise<number> {
    return (await this.dataSource.manager.findOneBy(SoftBounce, { emailHash }))?.run ?? 0;
  }

  /**
   * The address's row, created empty if missing, locked until the caller's transaction ends (PostgreSQL; on
   * SQLite transactions take turns, see inTransaction), so that two bounces of one address count one after the other.
   */
  async lockOrCreate(emailHash: string, tx: Tx): Promise<SoftBounce> {
    await tx
      .createQueryBuilder()
      .insert()
      .into(SoftBounce)
      .values({ emailHash, run: 0, lastAt: new Date(0) })
      .orIgnore()
      .execute();
    const lock = tx.connection.options.type === 'postgres' ? { mode: 'pessimistic_write' as const } : undefined;
    return tx.findOneOrFail(SoftBounce, { where: { emailHash }, lock });
  }

  async setRun(emailHash: string, run: number, lastAt: Date, tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).update(SoftBounce, { emailHash }, { run, lastAt });
  }

  async deleteAmong(hashes: string[], tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).delete(SoftBounce, { emailHash: In(hashes) });
  }
}
