import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SqlCondition } from '../database/sql-condition';
import { POSTGRES_SEGMENT_SQL, SQLITE_SEGMENT_SQL } from './segment-dialects';
import type { Match, Rule } from './segment-rules';
import { segmentCondition } from './segment-sql';
import { Segment } from './segment.entity';

export type { Segment } from './segment.entity';

export type NewSegment = Pick<Segment, 'name' | 'match' | 'rules'>;

/** The only code that reads and writes the `segments` table, and that picks the SQL dialect of a segment's rules. */
@Injectable()
export class SegmentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findById(id: string): Promise<Segment | null> {
    return this.dataSource.manager.findOneBy(Segment, { id });
  }

  /** By name, then newest first, and how many there are. */
  page(skip: number, take: number): Promise<[Segment[], number]> {
    return this.dataSource.manager.findAndCount(Segment, { order: { name: 'ASC', id: 'ASC' }, skip, take });
  }

  /** Every segment's id and name, by name (for pickers). */
  names(): Promise<Pick<Segment, 'id' | 'name'>[]> {
    return this.dataSource.manager.find(Segment, { select: { id: true, name: true }, order: { name: 'ASC' } });
  }

  create(fields: NewSegment): Promise<Segment> {
    const m = this.dataSource.manager;
    return m.save(m.create(Segment, fields));
  }

  save(segment: Segment): Promise<Segment> {
    return this.dataSource.manager.save(segment);
  }

  /** 'in use' when a campaign still names it (campaigns.segment_id references it, ON DELETE RESTRICT). */
  async delete(id: string): Promise<'deleted' | 'none' | 'in use'> {
    try {
      return (await this.dataSource.manager.delete(Segment, { id })).affected ? 'deleted' : 'none';
    } catch (e) {
      const err = e as { code?: string; driverError?: { code?: string }; message?: string };
      if (err.code === '23503' || err.driverError?.code === '23503' || /FOREIGN KEY constraint/.test(err.message ?? ''))
        return 'in use';
      throw e;
    }
  }

  /** The rules as a condition on subscriber `s`, in this database's SQL. */
  conditionOf(rules: Rule[], match: Match, now = new Date()): SqlCondition {
    const dialect = this.dataSource.options.type === 'postgres' ? POSTGRES_SEGMENT_SQL : SQLITE_SEGMENT_SQL;
    return segmentCondition(rules, match, dialect, now);
  }
}
