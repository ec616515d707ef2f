import { Injectable } from '@nestjs/common';
import { Response } from 'express';
import { ListsService } from '../../lists/lists.service';
import { SubscriptionRepository } from '../../subscribers/subscription.repository';
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
    private readonly lists: ListsService,
    private readonly subscriptions: SubscriptionRepository,
  ) {}

  async stream(listId: string, res: Response): Promise<void> {
    const list = await this.lists.get(listId);
    // the attribute keys the members have, sorted, found by the database (not by reading every row here)
    const keys = await this.subscriptions.attributeKeysOfList(listId, MAX_ATTRIBUTE_COLUMNS);
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
      const page = await this.subscriptions.membersPage(listId, after, PAGE);
      if (page.length === 0) break;
      let chunk = '';
      for (const m of page) {
        const s = m.subscriber;
        const attributes = s.attributes ?? {};
        chunk += csvRow([s.email, s.name, m.status, m.createdAt, ...keys.map((k) => attributes[k])]);
      }
      if (!(await write(res, chunk))) return;
      after = page[page.length - 1].subscriberId;
      if (page.length < PAGE) break;
    }
    res.end();
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
