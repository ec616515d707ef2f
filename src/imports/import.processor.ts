import { OnQueueFailed, Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { JobName, JobOf, QueueName } from '../queues/queues';
import { ImportRunner, ImportStopped } from './import-runner';
import { ImportsService } from './imports.service';

/**
 * Runs queued imports. A file problem fails the import at once; a database error is retried by Bull
 * (the rerun reads the file from the top; upserts make that harmless) and fails it after the last attempt.
 */
@Processor(QueueName.Imports)
export class ImportProcessor {
  private readonly logger = new Logger(ImportProcessor.name);

  constructor(
    private readonly imports: ImportsService,
    private readonly runner: ImportRunner,
  ) {}

  @Process(JobName.RunImport)
  async run(job: Job<JobOf<typeof JobName.RunImport>>): Promise<'done' | 'failed' | 'skipped'> {
    const { importId } = job.data;
    const found = await this.imports.begin(importId);
    if (!found) return 'skipped';
    try {
      await this.imports.finish(importId, await this.runner.run(found));
      return 'done';
    } catch (err: unknown) {
      if (err instanceof ImportStopped) {
        await this.imports.fail(importId, err.message, err.progress);
        return 'failed';
      }
      const attempt = job.attemptsMade + 1;
      const last = attempt >= (job.opts.attempts ?? 1);
      this.logger.error({ err, importId, attempt, last }, 'import attempt failed');
      if (last)
        await this.imports.fail(importId, `stopped by a database error after ${attempt} attempts: ${firstLine(err)}`);
      else await this.imports.requeue(importId);
      throw err;
    }
  }

  /** A job can also fail without run() deciding it (Bull gives up on a job that stalled too often). */
  @OnQueueFailed()
  async onFailed(job: Job<JobOf<typeof JobName.RunImport>>, err: Error): Promise<void> {
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/.test(err.message);
    if (job.name !== JobName.RunImport || !final) return;
    await this.imports
      .failIfUnfinished(job.data.importId, `the job failed: ${firstLine(err)}`)
      .catch((e: unknown) => this.logger.error({ err: e }, 'could not mark the import failed'));
  }
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n', 1)[0].slice(0, 500);
}
