import { InjectQueue } from '@nestjs/bull';
import { BadRequestException, Injectable } from '@nestjs/common';
import { CsvError } from 'csv-parse';
import { SuppressionService, suppressionHashes } from '../delivery/suppression.service';
import { ListsService } from '../lists/lists.service';
import { JobName, QueueName, QueueOf, importConfirmJobId } from '../queues/queues';
import { CsvFileError, readCsvRecords } from './csv-file';
import { CsvHeaderError, CsvLayout, isBlank, layoutOf, parseRow } from './csv-rows';
import type { Import } from './import.repository';
import { SeenAddresses } from './seen-addresses';
import { ConsentRepository } from '../preferences/consent.repository';
import { ImportProgress, ImportsService } from './imports.service';
import { SubscriberBulkRepository } from '../subscribers/subscriber-bulk.repository';

/** Rejected rows kept with their reason; `skipped` counts every one. */
export const MAX_ERRORS = 1000;

/** The import cannot go on and retrying would not help (unreadable file, a list deleted meanwhile). */
export class ImportStopped extends Error {
  constructor(
    message: string,
    readonly progress?: ImportProgress,
  ) {
    super(message);
  }
}

/**
 * Reads an uploaded CSV as a stream and writes it in batches, the next batch being read while earlier
 * ones are written (as many at once as the writer has lanes). Row numbers are record numbers as a
 * spreadsheet shows them: the header is row 1, the first data row is row 2, a blank line still takes a
 * number, a quoted cell spanning lines is one row. Memory stays flat whatever the file's size: a few
 * batches of at most 4 MB, and a fingerprint of each email key seen so far (a duplicate address is
 * refused at its later row).
 */
@Injectable()
export class ImportRunner {
  constructor(
    private readonly imports: ImportsService,
    private readonly writers: SubscriberBulkRepository,
    private readonly lists: ListsService,
    private readonly suppressions: SuppressionService,
    private readonly consents: ConsentRepository,
    // The confirmation mail's own job (ConfirmMailProcessor): the same path as a public sign-up's.
    @InjectQueue(QueueName.SystemMail) private readonly systemMail: QueueOf<typeof JobName.SendSubscriptionConfirm>,
  ) {}

  async run(job: Import): Promise<ImportProgress> {
    const lists = await this.lists.assertListsExist(job.listIds).catch((err: Error) => {
      // A list deleted since the upload; a database error is thrown as it is (and retried).
      throw err instanceof BadRequestException ? new ImportStopped(err.message) : err;
    });
    const progress: ImportProgress = {
      total: 0,
      imported: 0,
      updated: 0,
      skipped: 0,
      errors: [],
      confirmationsSent: 0,
    };
    const pendingListIds =
      job.mode === 'subscribe' && job.confirmation === 'send'
        ? lists.filter((l) => l.optIn === 'double').map((l) => l.id)
        : [];
    const writer = await this.writers.open({ mode: job.mode, listIds: job.listIds, pendingListIds });
    const seen = new SeenAddresses();
    // Erasure check (preference centre): an erased address never comes back through an old file, in either mode.
    const erased = await this.suppressions.erasedHashes();
    let savedErrors = 0;
    let saved: Promise<void> = Promise.resolve();
    const inFlight = new Set<Promise<void>>();
    let writeError: Error | undefined;

    const write = async () => {
      const done = await writer.flush();
      progress.imported += done.imported;
      progress.updated += done.updated;
      // After the batch is written: the consent record of each person asked to confirm (source `import`, who
      // started it; confirmed when they confirm), then the mail job, which reads what awaits confirmation. A
      // failure of either fails the batch like a database error (retried): neither is recorded or sent twice.
      await this.consents.recordImported(done.awaiting, pendingListIds, job.createdBy);
      await this.queueConfirmations(job.id, done.awaiting, pendingListIds);
      progress.confirmationsSent += done.awaiting.length;
      // Saves go one after the other, so an older count never lands after a newer one.
      const snapshot = { ...progress, errors: progress.errors.slice() };
      const withErrors = snapshot.errors.length !== savedErrors;
      savedErrors = snapshot.errors.length;
      await (saved = saved.then(() => this.imports.saveProgress(job.id, snapshot, withErrors)));
    };
    // Up to writer.lanes batches in flight; an error is kept (a stored rejection must not go unhandled).
    const flush = async () => {
      while (inFlight.size >= writer.lanes) await Promise.race(inFlight);
      if (writeError) throw writeError;
      const running: Promise<void> = write()
        .catch((err: Error) => void (writeError ??= err))
        .finally(() => inFlight.delete(running));
      inFlight.add(running);
    };
    const settle = async () => {
      await Promise.all(inFlight);
      await saved.catch(() => undefined);
    };
    const reject = (row: number, message: string) => {
      progress.skipped++;
      if (progress.errors.length < MAX_ERRORS) progress.errors.push({ row, message });
    };

    let row = 0;
    let layout: CsvLayout | undefined;
    try {
      for await (const records of readCsvRecords(job.filePath)) {
        for (const fields of records) {
          // Parsing is CPU work: let the database's answers in now and then, so the batch being
          // written does not wait for the next one to be read.
          if (++row % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
          if (!layout) {
            layout = layoutOf(fields);
            continue;
          }
          if (isBlank(fields)) continue;
          progress.total++;
          const parsed = parseRow(layout, fields);
          if ('error' in parsed) {
            reject(row, parsed.error);
            continue;
          }
          if (erased.size && suppressionHashes(parsed.email).some((h) => erased.has(h))) {
            // The row number only: the address itself is not written back into the import's errors.
            reject(row, "this address was erased at its owner's request and cannot be imported again");
            continue;
          }
          const first = seen.remember(parsed.emailKey, row);
          if (first !== undefined) {
            reject(row, `${parsed.email} is already in row ${first}`);
            continue;
          }
          writer.add(parsed);
          if (writer.full) await flush();
        }
      }
      await flush();
      await settle();
      if (writeError) throw writeError;
      await this.writers.refreshStatistics();
      return progress;
    } catch (err) {
      const reason = stopReason(err, row);
      if (!reason) throw err;
      // A file that breaks off mid-way: the rows read before the break are still written.
      if (err instanceof CsvError) {
        await flush();
        await settle();
        if (writeError) throw writeError;
      }
      throw new ImportStopped(reason, progress);
    } finally {
      await settle();
      await writer.close();
    }
  }

  private async queueConfirmations(importId: string, subscriberIds: string[], listIds: string[]): Promise<void> {
    if (!subscriberIds.length) return;
    await this.systemMail.addBulk(
      subscriberIds.map((subscriberId) => ({
        name: JobName.SendSubscriptionConfirm,
        data: { subscriberId, listIds },
        opts: { jobId: importConfirmJobId(importId, subscriberId) },
      })),
    );
  }
}

/** File problems stop the import for good; anything else (the database) may be retried. */
function stopReason(err: unknown, lastRow: number): string | undefined {
  if (err instanceof CsvHeaderError || err instanceof CsvFileError) return err.message;
  // Every record before the faulty one was read, so it is the next row.
  if (err instanceof CsvError) {
    return `row ${lastRow + 1}: ${err.message}. The rows before it were imported; the rest of the file could not be read.`;
  }
  return undefined;
}
