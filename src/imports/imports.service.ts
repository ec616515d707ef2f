import { InjectQueue } from '@nestjs/bull';
import {
  BadRequestException,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Queue } from 'bull';
import { rm } from 'node:fs/promises';
import { Page, PageQuery } from '../common/pagination';
import { ListsService } from '../lists/lists.service';
import { JobName, JobOf, QueueName } from '../queues/queues';
import { CsvFileError, readCsvHeader } from './csv-file';
import { CsvHeaderError, layoutOf } from './csv-rows';
import { CreateImportDto } from './dto/create-import.dto';
import { ImportRepository } from './import.repository';
import type { Import, ImportRowError, ImportStatus } from './import.repository';

export interface ImportView {
  id: string;
  status: ImportStatus;
  mode: Import['mode'];
  listIds: string[];
  fileName: string;
  total: number;
  imported: number;
  updated: number;
  skipped: number;
  /** the first rejected rows (at most MAX_ERRORS); `skipped` counts them all */
  errors: ImportRowError[];
  /** why a failed import stopped */
  failure: string | null;
  /** for the double opt-in lists: confirmation mails sent, or consent already held; null when there are none */
  confirmation: Import['confirmation'];
  /** confirmation mails queued, one per person now awaiting confirmation */
  confirmationsSent: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** The counters of a run, as the runner keeps them. */
export interface ImportProgress {
  total: number;
  imported: number;
  updated: number;
  skipped: number;
  errors: ImportRowError[];
  confirmationsSent: number;
}

@Injectable()
export class ImportsService {
  private readonly logger = new Logger(ImportsService.name);

  constructor(
    private readonly imports: ImportRepository,
    @InjectQueue(QueueName.Imports) private readonly queue: Queue<JobOf<typeof JobName.RunImport>>,
    private readonly lists: ListsService,
  ) {}

  /**
   * Checks everything that can be checked before the upload is accepted (lists, header), then queues
   * the job. The caller deletes the upload when this throws.
   */
  async create(file: Express.Multer.File, body: CreateImportDto, createdBy: string | null): Promise<{ id: string }> {
    if (body.mode === 'subscribe' && body.listIds.length === 0) {
      throw new BadRequestException('listIds must name at least one list in subscribe mode');
    }
    const lists = await this.lists.assertListsExist(body.listIds);
    try {
      layoutOf(await readCsvHeader(file.path));
    } catch (err) {
      if (err instanceof CsvFileError || err instanceof CsvHeaderError)
        throw new BadRequestException(`file: ${err.message}`);
      throw err;
    }
    const saved = await this.imports.create({
      status: 'queued',
      mode: body.mode,
      listIds: lists.map((l) => l.id),
      // The API's default is the behaviour it always had (confirmed at once); the admin form asks.
      confirmation:
        body.mode === 'subscribe' && lists.some((l) => l.optIn === 'double')
          ? (body.confirmation ?? 'consented')
          : null,
      filePath: file.path,
      createdBy: createdBy?.slice(0, 320) ?? null,
      fileName: (file.originalname || 'upload.csv').slice(0, 300),
      errors: [],
      failure: null,
      // Set here, in milliseconds: SQLite's default would round to the second and blur "newest first".
      createdAt: new Date(),
      startedAt: null,
      finishedAt: null,
    });
    try {
      // The import's id is the job's id: queueing twice is harmless.
      await this.queue.add(JobName.RunImport, { importId: saved.id }, { jobId: saved.id });
    } catch (err: unknown) {
      this.logger.error({ err, importId: saved.id }, 'could not queue the import');
      await this.fail(saved.id, 'the import could not be queued');
      throw new ServiceUnavailableException('The job queue is unavailable; try again later');
    }
    return { id: saved.id };
  }

  async get(id: string): Promise<ImportView> {
    const found = await this.imports.findById(id);
    if (!found) throw new NotFoundException(`Import ${id} not found`);
    return toView(found);
  }

  /** Newest first; the items leave out `errors` (read one import for them). */
  async list(query: PageQuery): Promise<Page<Omit<ImportView, 'errors'>>> {
    const [rows, total] = await this.imports.findPage((query.page - 1) * query.limit, query.limit);
    const items = rows.map((row) => {
      const { errors: _errors, ...rest } = toView(row);
      return rest;
    });
    return { items, total, page: query.page, limit: query.limit };
  }

  /**
   * Marks the import running with its counters reset (a retried job reads the file again from the top).
   * Returns null when there is nothing to run: the import is gone or already finished.
   */
  async begin(id: string): Promise<Import | null> {
    const found = await this.imports.findById(id);
    if (!found || found.status === 'done' || found.status === 'failed') return null;
    const reset = {
      status: 'running' as const,
      total: 0,
      imported: 0,
      updated: 0,
      skipped: 0,
      errors: [],
      failure: null,
      confirmationsSent: 0,
      startedAt: new Date(),
    };
    await this.imports.update(id, reset);
    return Object.assign(found, reset);
  }

  /** Progress written after each batch; `errors` only when it changed (it may be large). */
  async saveProgress(id: string, progress: ImportProgress, withErrors: boolean): Promise<void> {
    const { errors, ...counts } = progress;
    await this.imports.update(id, withErrors ? { ...counts, errors } : counts);
  }

  async finish(id: string, progress: ImportProgress): Promise<void> {
    await this.imports.update(id, { ...progress, status: 'done', finishedAt: new Date() });
    await this.removeUpload(id);
  }

  /** Failed for good: the reason is kept (never a stack) and the upload deleted. */
  async fail(id: string, failure: string, progress?: ImportProgress): Promise<void> {
    await this.imports.update(id, {
      ...(progress ?? {}),
      status: 'failed',
      failure: failure.slice(0, 2000),
      finishedAt: new Date(),
    });
    await this.removeUpload(id);
  }

  /** For a job Bull gave up on without the processor saying so (it stalled too often): failed, unless it finished. */
  async failIfUnfinished(id: string, failure: string): Promise<void> {
    const found = await this.imports.findById(id);
    if (found && (found.status === 'queued' || found.status === 'running')) await this.fail(id, failure);
  }

  /** A retry is coming: the import waits in the queue again. */
  async requeue(id: string): Promise<void> {
    await this.imports.update(id, { status: 'queued' });
  }

  private async removeUpload(id: string): Promise<void> {
    const found = await this.imports.findById(id);
    if (found) await rm(found.filePath, { force: true });
  }
}

function toView(i: Import): ImportView {
  return {
    id: i.id,
    status: i.status,
    mode: i.mode,
    listIds: i.listIds,
    fileName: i.fileName,
    total: i.total,
    imported: i.imported,
    updated: i.updated,
    skipped: i.skipped,
    errors: i.errors,
    failure: i.failure,
    confirmation: i.confirmation,
    confirmationsSent: i.confirmationsSent,
    createdAt: i.createdAt,
    startedAt: i.startedAt,
    finishedAt: i.finishedAt,
  };
}
