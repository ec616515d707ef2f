import { Injectable } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { ImportView } from '../../imports/imports.service';

/** How many estimates are kept (the newest uploads'); an import without one shows its progress without a percentage. */
const KEEP = 200;

export interface ImportProgressJson {
  status: ImportView['status'];
  total: number;
  imported: number;
  updated: number;
  skipped: number;
  /** of the rows the file is estimated to hold; 100 when finished */
  percent: number;
  done: boolean;
}

/**
 * The progress bar of an import. The import job counts rows as it reads them, so the number of rows in
 * the file is estimated once, at upload, by counting its lines (a quoted cell spanning lines makes it a
 * little high, so the bar stays below 100% until the job says it is done).
 */
@Injectable()
export class ImportProgressService {
  private readonly estimates = new Map<string, number>();

  /** Counts the upload's lines in the background; the job may delete the file first, then there is no estimate. */
  estimate(importId: string, filePath: string): void {
    countLines(filePath)
      .then((lines) => {
        this.estimates.set(importId, Math.max(0, lines - 1));
        if (this.estimates.size > KEEP) this.estimates.delete(this.estimates.keys().next().value!);
      })
      .catch(() => undefined);
  }

  progressOf(i: ImportView): ImportProgressJson {
    const done = i.status === 'done' || i.status === 'failed';
    const handled = i.imported + i.updated + i.skipped;
    const expected = this.estimates.get(i.id);
    const percent = done ? 100 : expected ? Math.min(99, Math.floor((100 * handled) / expected)) : 0;
    if (done) this.estimates.delete(i.id);
    return {
      status: i.status,
      total: i.total,
      imported: i.imported,
      updated: i.updated,
      skipped: i.skipped,
      percent,
      done,
    };
  }
}

/** Line breaks in a file (plus one for a last line without one), read in chunks. */
async function countLines(path: string): Promise<number> {
  let lines = 0;
  let last = 10;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    if (chunk.length) last = chunk[chunk.length - 1];
  }
  return last === 10 ? lines : lines + 1;
}
