import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MailingList } from '../lists/list.entity';
import { AudienceReport, GroupCount, protect } from './small-groups';

/**
 * Aggregate reports meant to leave the service (for partners). Counts enabled subscribers only
 * (blocklisted people are not an audience); with a list, only its confirmed members.
 */
@Injectable()
export class ReportsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** `attribute` is already validated (letters, digits, _ and -); it is still passed as a bound parameter. */
  async audience(
    attribute: string,
    listId?: string,
  ): Promise<AudienceReport & { groupBy: string; listId: string | null }> {
    if (listId && !(await this.db.getRepository(MailingList).existsBy({ id: listId })))
      throw new NotFoundException(`List ${listId} not found`);
    const postgres = this.db.options.type === 'postgres';
    // Text of the value on both databases: strings as they are, numbers and booleans as JSON writes them,
    // objects and arrays as JSON; JSON null and a missing key are both "not set".
    const value = postgres
      ? `CASE WHEN jsonb_typeof(s.attributes -> $1) IN ('object', 'array') THEN (s.attributes -> $1)::text ELSE s.attributes ->> $1 END`
      : `CASE json_type(s.attributes, ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL ELSE CAST(json_extract(s.attributes, ?) AS TEXT) END`;
    const params: unknown[] = postgres ? [attribute] : [`$."${attribute}"`, `$."${attribute}"`];
    let join = '';
    if (listId) {
      params.push(listId);
      join = `JOIN subscriptions m ON m.subscriber_id = s.id AND m.list_id = ${postgres ? `$${params.length}` : '?'} AND m.status = 'confirmed'`;
    }
    const rows: { value: string | null; count: string | number }[] = await this.db.query(
      `SELECT v.value AS value, COUNT(*) AS count
         FROM (SELECT ${value} AS value FROM subscribers s ${join} WHERE s.status = 'enabled') v
        GROUP BY v.value`,
      params,
    );
    const counts: GroupCount[] = rows.map((r) => ({
      value: r.value === null ? null : String(r.value),
      count: Number(r.count),
    }));
    return { groupBy: `attributes.${attribute}`, listId: listId ?? null, ...protect(counts) };
  }
}
