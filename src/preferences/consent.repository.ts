import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull } from 'typeorm';
import type { Tx } from '../database/transaction';
import { Consent } from './consent.entity';

export type { Consent } from './consent.entity';

/** A consent record as it is written: who asked, where from, and whether it is confirmed already. */
export type NewConsent = Pick<Consent, 'subscriberId' | 'listId' | 'source' | 'ip' | 'userAgent' | 'confirmedAt'>;

/** The only code that reads and writes the `consents` table. */
@Injectable()
export class ConsentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(consent: NewConsent, tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).insert(Consent, consent);
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
