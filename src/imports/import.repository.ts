import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Tx } from '../database/transaction';
import { Import } from './import.entity';

export type { Import, ImportMode, ImportRowError, ImportStatus } from './import.entity';

/** The fields of an import that change as it runs. */
export type ImportChanges = Partial<
  Pick<
    Import,
    'status' | 'total' | 'imported' | 'updated' | 'skipped' | 'errors' | 'failure' | 'startedAt' | 'finishedAt'
  >
>;

/** The only code that reads and writes the `imports` table (the import jobs and their progress). */
@Injectable()
export class ImportRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  create(
    fields: Omit<Import, 'id' | 'total' | 'imported' | 'updated' | 'skipped' | 'confirmationsSent'>,
  ): Promise<Import> {
    const m = this.dataSource.manager;
    return m.save(m.create(Import, fields));
  }

  findById(id: string): Promise<Import | null> {
    return this.dataSource.manager.findOneBy(Import, { id });
  }

  /** Newest first, one page, and how many imports there are. */
  findPage(offset: number, limit: number): Promise<[Import[], number]> {
    return this.dataSource.manager.findAndCount(Import, {
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: offset,
      take: limit,
    });
  }

  async update(id: string, changes: ImportChanges): Promise<void> {
    await this.dataSource.manager.update(Import, { id }, changes);
  }

  /** Every import's error list and failure (few and short: capped per import), for erasure. */
  findErrorTexts(tx?: Tx): Promise<Pick<Import, 'id' | 'errors' | 'failure'>[]> {
    return (tx ?? this.dataSource.manager).find(Import, { select: { id: true, errors: true, failure: true } });
  }

  async replaceErrorTexts(id: string, texts: Pick<Import, 'errors' | 'failure'>, tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).update(Import, { id }, { errors: texts.errors, failure: texts.failure });
  }
}
