import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull } from 'typeorm';
import type { Tx } from '../database/transaction';
import { Consent } from './consent.entity';

export type { Consent } from './consent.entity';

/** A consent record as it is written: who asked, where from, and whether it is confirmed already. */
export type NewConsent = Pick<Consent, 'subscriberId' | 'listId' | 'source' | 'ip' | 'userAgent' | 'confirmedAt'> &
  Partial<Pick<Consent, 'recordedBy'>>;

/** The only code that reads and writes the `consents` table. */
@Injectable()
export class ConsentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(consent: NewConsent, tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).insert(Consent, consent);
  }

  /**
   * Records that an import (`recordedBy` started it) asked each of `subscriberIds` to confirm `listIds`: source
   * `import`, no IP or user agent (nobody's browser was involved). A person who already has such a record that
   * awaits confirmation gets no second one, so a retried batch records nothing twice.
   */
  async recordImported(subscriberIds: string[], listIds: string[], recordedBy: string | null, tx?: Tx): Promise<void> {
    const m = tx ?? this.dataSource.manager;
    // In slices: SQLite takes at most 999 bound parameters per statement.
    for (let i = 0; i < subscriberIds.length && listIds.length; i += 200) {
      const slice = subscriberIds.slice(i, i + 200);
      const existing = await m.find(Consent, {
        select: { subscriberId: true, listId: true },
        where: { subscriberId: In(slice), listId: In(listIds), source: 'import', confirmedAt: IsNull() },
      });
      const have = new Set(existing.map((c) => `${c.subscriberId}:${c.listId}`));
      const rows = slice.flatMap((subscriberId) =>
        listIds
          .filter((listId) => !have.has(`${subscriberId}:${listId}`))
          .map((listId) => ({ subscriberId, listId, source: 'import', ip: null, userAgent: null, recordedBy })),
      );
      for (let j = 0; j < rows.length; j += 100) await m.insert(Consent, rows.slice(j, j + 100));
    }
  }

  /** Confirms the subscriber's unconfirmed consent records for `listIds`. */
  async confirmPending(subscriberId: string, listIds: string[], now: Date, tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).update(
      Consent,
      { subscriberId, listId: In(listIds), confirmedAt: IsNull() },
      { confirmedAt: now },
    );
  }

  /** A subscriber's consent records, oldest first. */
  findBySubscriber(subscriberId: string): Promise<Consent[]> {
    return this.dataSource.manager.find(Consent, { where: { subscriberId }, order: { createdAt: 'ASC' } });
  }

  async deleteBySubscriber(subscriberId: string, tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).delete(Consent, { subscriberId });
  }
}
