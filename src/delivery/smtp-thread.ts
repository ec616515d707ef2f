import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppConfig } from '../config/app-config';
import type { PoolOptions, SentMail, TransportMail } from './mail-transport.service';

/** A message as it crosses to the thread: the bodies as bytes, moved rather than copied. */
export interface ThreadMessage extends Omit<TransportMail, 'html' | 'text'> {
  html: Uint8Array;
  text: Uint8Array;
}
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
    const html = bytesOf(message.html);
    const text = bytesOf(message.text);
    const id = this.nextId++;
    const worker = this.start();
    return new Promise<SentMail>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const request: ThreadRequest = { type: 'send', id, message: { ...message, html, text } };
      worker.postMessage(request, [html.buffer, text.buffer]);
    });
  }

  close(): void {
    this.worker?.postMessage({ type: 'close' } satisfies ThreadRequest);
    this.worker?.unref();
    this.worker = null;
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
      execArgv: fromSource ? ['-r', 'ts-node/register/transpile-only'] : [],
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

/** A body as bytes of its own (a copy of a Buffer's: its pooled memory must not be transferred to the thread). */
function bytesOf(body: string | Buffer | undefined): Uint8Array<ArrayBuffer> {
  return typeof body === 'string' || body === undefined ? new TextEncoder().encode(body ?? '') : new Uint8Array(body);
}
