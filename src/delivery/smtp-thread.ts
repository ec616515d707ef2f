import { once } from 'node:events';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppConfig } from '../config/app-config';
import type { CampaignRenderJob, CampaignRenderSetup } from './campaign-render-job';
import type { PoolOptions, SentMail, TransportMail } from './mail-transport.service';
import type { CampaignRecipient } from './personalize';

/** How long closing waits for the thread to end (its pool's QUIT, a profile being written). */
const CLOSE_WAIT_MS = 5_000;
/** Campaign setups a thread keeps, the oldest forgotten first (on both sides, so the two agree on what it has). */
export const SETUPS_KEPT = 16;

/** A message as it crosses to the thread (copied: a one-byte string is copied as fast as its bytes are moved). */
export type ThreadMessage = Omit<TransportMail, 'html' | 'text'> & { html?: string; text?: string };
export type ThreadRequest =
  | { type: 'send'; id: number; message: ThreadMessage }
  | { type: 'setup'; setup: CampaignRenderSetup }
  | { type: 'compose'; id: number; key: string; recipient: CampaignRecipient; tracking: boolean }
  | { type: 'close' };
export interface ThreadReply {
  id: number;
  sent?: SentMail;
  error?: {
    message: string;
    code?: string | number;
    responseCode?: string | number;
    command?: string | number;
    response?: string | number;
    /** composing the campaign message failed (ComposeError): nothing reached SMTP */
    composeFailed?: true;
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
  /** Keys of the campaign setups the running thread holds, oldest first. */
  private setups = new Set<string>();
  private readonly waiting = new Map<number, { resolve: (s: SentMail) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(
    private readonly config: AppConfig,
    private readonly pool: PoolOptions,
  ) {}

  send(message: TransportMail): Promise<SentMail> {
    return this.request((id) => ({
      type: 'send',
      id,
      message: { ...message, html: textOf(message.html), text: textOf(message.text) },
    }));
  }

  /** Composes the campaign message in the thread, then sends it; the batch's setup crosses once. */
  sendCampaign(job: CampaignRenderJob): Promise<SentMail> {
    const worker = this.start();
    if (!this.setups.has(job.setup.key)) {
      worker.postMessage({ type: 'setup', setup: job.setup } satisfies ThreadRequest);
      this.setups.add(job.setup.key);
      while (this.setups.size > SETUPS_KEPT) this.setups.delete(this.setups.values().next().value!);
    }
    return this.request((id) => ({
      type: 'compose',
      id,
      key: job.setup.key,
      recipient: job.recipient,
      tracking: job.tracking,
    }));
  }

  private request(make: (id: number) => ThreadRequest): Promise<SentMail> {
    const id = this.nextId++;
    const worker = this.start();
    return new Promise<SentMail>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage(make(id));
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
      // what composing campaign messages needs (CampaignComposer, TokenService)
      publicUrl: this.config.publicUrl,
      companyAddress: this.config.companyAddress,
      appSecret: this.config.appSecret,
      bounceDomain: this.config.bounceDomain,
    };
    // From the TypeScript sources (tests, ts-node) the thread needs ts-node as well.
    const fromSource = __filename.endsWith('.ts');
    const worker = new Worker(join(__dirname, `smtp-thread.worker.${fromSource ? 'ts' : 'js'}`), {
      workerData: { config, pool: this.pool },
      // Otherwise the thread inherits the process's flags (node --cpu-prof profiles it too).
      execArgv: fromSource ? ['-r', 'ts-node/register/transpile-only'] : undefined,
    });
    // The replies of one turn of the thread's event loop, together.
    worker.on('message', (replies: ThreadReply[]) => {
      for (const reply of replies) {
        const w = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        if (!w) continue;
        if (reply.sent) w.resolve(reply.sent);
        else w.reject(Object.assign(new Error(reply.error?.message ?? 'SMTP thread error'), reply.error));
      }
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
    this.setups = new Set();
    return worker;
  }
}

function textOf(body: string | Buffer | undefined): string | undefined {
  return Buffer.isBuffer(body) ? body.toString('utf8') : body;
}
