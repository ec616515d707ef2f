import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { ListsService } from '../../lists/lists.service';
import { Subscription } from '../../subscribers/subscription.entity';
import { attachmentHeader, csvRow } from './csv';

/** Rows read per query: the export never holds more than one page of members in memory. */
const PAGE = 1000;
/** At most this many attribute columns (sorted by key), so a list with wild attributes still opens in a spreadsheet. */
const MAX_ATTRIBUTE_COLUMNS = 500;
const FIXED_COLUMNS = ['email', 'name', 'status', 'subscribed_at'];

/**
 * GET /admin/lists/:id/export.csv: a list's members as CSV, written page by page as the client reads
 * (keyset pagination on the membership key, back-pressure honoured), one column per attribute key.
 */
@Injectable()
export class ListExportService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lists: ListsService,
  ) {}

  async stream(listId: string, res: Response): Promise<void> {
    const list = await this.lists.get(listId);
    const keys = await this.attributeKeys(listId);
    const stamp = new Date().toISOString().slice(0, 10);
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', attachmentHeader(`${list.name}-${stamp}.csv`));
    res.setHeader('Cache-Control', 'no-store');
    if (
      !(await write(
        res,
        csvRow([...FIXED_COLUMNS, ...keys.map((k) => (FIXED_COLUMNS.includes(k) ? `attribute.${k}` : k))]),
      ))
    )
      return;

    let after: string | undefined;
    for (;;) {
      const qb = this.db
        .getRepository(Subscription)
        .createQueryBuilder('m')
        .innerJoinAndSelect('m.subscriber', 's')
        .where('m.listId = :listId', { listId })
        .orderBy('m.subscriberId', 'ASC')
        .limit(PAGE);
      if (after) qb.andWhere('m.subscriberId > :after', { after });
      const page = await qb.getMany();
      if (page.length === 0) break;
      let chunk = '';
      for (const m of page) {
        const s = m.subscriber!;
        const attributes = s.attributes ?? {};
        chunk += csvRow([s.email, s.name, m.status, m.createdAt, ...keys.map((k) => attributes[k])]);
      }
      if (!(await write(res, chunk))) return;
      after = page[page.length - 1].subscriberId;
      if (page.length < PAGE) break;
    }
    res.end();
  }

  /** The attribute keys the list's members have, sorted, found by the database (not by reading every row here). */
  private async attributeKeys(listId: string): Promise<string[]> {
    const sql =
      this.db.options.type === 'postgres'
        ? `SELECT DISTINCT x.key AS k FROM subscriptions m JOIN subscribers s ON s.id = m.subscriber_id
           CROSS JOIN LATERAL jsonb_object_keys(CASE WHEN jsonb_typeof(s.attributes) = 'object' THEN s.attributes ELSE '{}'::jsonb END) AS x(key)
           WHERE m.list_id = $1 ORDER BY 1 LIMIT ${MAX_ATTRIBUTE_COLUMNS}`
        : `SELECT DISTINCT j.key AS k FROM subscriptions m JOIN subscribers s ON s.id = m.subscriber_id, json_each(s.attributes) j
           WHERE m.list_id = ? AND json_type(s.attributes) = 'object' ORDER BY 1 LIMIT ${MAX_ATTRIBUTE_COLUMNS}`;
    const rows: { k: string }[] = await this.db.query(sql, [listId]);
    return rows.map((r) => String(r.k));
  }
}

/** Writes a chunk, waiting while the socket's buffer is full; false when the client went away. */
async function write(res: Response, chunk: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(chunk)) {
    await new Promise<void>((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
  return !res.destroyed;
}
