import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { Tx } from '../database/transaction';
import { MailingList } from './list.entity';
import { listNameKey } from './list-name-key';

export type { ListVisibility, MailingList, OptIn } from './list.entity';

/** The fields a new list is written with. */
export type NewList = Pick<MailingList, 'name' | 'description' | 'optIn' | 'visibility'>;

/** The only code that reads and writes the `lists` table. */
@Injectable()
export class ListRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A name already taken (see listNameKey) fails on the unique index: isUniqueViolation. */
  create(fields: NewList): Promise<MailingList> {
    const m = this.dataSource.manager;
    return m.save(m.create(MailingList, fields));
  }

  save(list: MailingList): Promise<MailingList> {
    return this.dataSource.manager.save(list);
  }

  /** The list whose name is the same as `name` (see listNameKey), if any. */
  findByName(name: string): Promise<MailingList | null> {
    return this.dataSource.manager.findOneBy(MailingList, { nameKey: listNameKey(name) });
  }

  /** Deletes the list (its memberships go with it, ON DELETE CASCADE). False when there was none. */
  async delete(id: string): Promise<boolean> {
    const result = await this.dataSource.manager.delete(MailingList, { id });
    return !!result.affected;
  }

  findById(id: string): Promise<MailingList | null> {
    return this.dataSource.manager.findOneBy(MailingList, { id });
  }

  exists(id: string): Promise<boolean> {
    return this.dataSource.manager.existsBy(MailingList, { id });
  }

  /** Newest first, one page, and how many lists there are. */
  findPage(offset: number, limit: number): Promise<[MailingList[], number]> {
    return this.dataSource.manager.findAndCount(MailingList, {
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: offset,
      take: limit,
    });
  }

  /** Those of `ids` that exist, in no particular order. */
  findByIds(ids: string[], tx?: Tx): Promise<MailingList[]> {
    return (tx ?? this.dataSource.manager).findBy(MailingList, { id: In(ids) });
  }

  /** Those of `ids` that exist, by name. */
  findByIdsByName(ids: string[], tx?: Tx): Promise<MailingList[]> {
    return (tx ?? this.dataSource.manager).find(MailingList, { where: { id: In(ids) }, order: { name: 'ASC' } });
  }

  /** Every list, by name (then id). */
  findAllByName(tx?: Tx): Promise<MailingList[]> {
    return (tx ?? this.dataSource.manager).find(MailingList, { order: { name: 'ASC', id: 'ASC' } });
  }
}
