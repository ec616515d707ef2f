import { once } from 'node:events';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppConfig } from '../config/app-config';
import type { PoolOptions, SentMail, TransportMail } from './mail-transport.service';

/** How long closing waits for the thread to end (its pool's QUIT, a profile being written). */
const CLOSE_WAIT_MS = 5_000;

/** A message as it crosses to the thread (copied: a one-byte string is copied as fast as its bytes are moved). */
export type ThreadMessage = Omit<TransportMail, 'html' | 'text'> & { html?: string; text?: string };
export type ThreadRequest = { type: 'send'; id: number; message: ThreadMessage } | { type: 'close' };
export interface ThreadReply {
  id: number;
  sent?: SentMail;
  error?: {
    message: string;
    code?: string | number;
    responseCode?: string | number;
    command?: string | number;
    response?: string | number;
  };
}

/**
 * A MailTransportService (same pool, same DKIM, same outbox) running in a worker thread, started on first
 * use. Errors come back with nodemailer's fields (code, responseCode, command, response), so they are
 * classified as in the main thread. If the thread dies, what it held fails as a retryable error and the
 * next message starts a new one.
 */
export class SmtpThread {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, { resolve: (s: SentMail) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(
    private readonly config: AppConfig,
    private readonly pool: PoolOptions,
  ) {}

  send(message: TransportMail): Promise<SentMail> {
    const id = this.nextId++;
    const worker = this.start();
    return new Promise<SentMail>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const request: ThreadRequest = {
        type: 'send',
        id,
        message: { ...message, html: textOf(message.html), text: textOf(message.text) },
      };
      worker.postMessage(request);
    });
  }

  /** Closes the pool; resolves once the thread has ended (at most CLOSE_WAIT_MS later). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    worker.postMessage({ type: 'close' } satisfies ThreadRequest);
    worker.unref();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      once(worker, 'exit'),
      new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS).unref())),
    ]);
    clearTimeout(timer);
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const config = {
      smtpUrl: this.config.smtpUrl,
      dataDir: this.config.dataDir,
      mailFrom: this.config.mailFrom,
      dkim: this.config.dkim,
    };
    // From the TypeScript sources (tests, ts-node) the thread needs ts-node as well.
    const fromSource = __filename.endsWith('.ts');
    const worker = new Worker(join(__dirname, `smtp-thread.worker.${fromSource ? 'ts' : 'js'}`), {
      workerData: { config, pool: this.pool },
      // Otherwise the thread inherits the process's flags (node --cpu-prof profiles it too).
      execArgv: fromSource ? ['-r', 'ts-node/register/transpile-only'] : undefined,
    });
    worker.on('message', (reply: ThreadReply) => {
      const w = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (!w) return;
      if (reply.sent) w.resolve(reply.sent);
      else w.reject(Object.assign(new Error(reply.error?.message ?? 'SMTP thread error'), reply.error));
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const w of this.waiting.values())
        w.reject(Object.assign(new Error(`SMTP thread stopped: ${err.message}`), { code: 'ETHREAD' }));
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

function textOf(body: string | Buffer | undefined): string | undefined {
  return Buffer.isBuffer(body) ? body.toString('utf8') : body;
}
