/**
 * The campaign stream's SMTP pool (or this thread's share of it, see SmtpThreads), in a thread of its own: nodemailer's MIME encoding and
 * socket writes of large messages run here, so they never hold up the main thread's HTTP requests and
 * transactional mail, and their garbage stays in this thread's small heap.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { AppConfig } from '../config/app-config';
import { MailTransportService, PoolOptions } from './mail-transport.service';
import type { ThreadReply, ThreadRequest } from './smtp-thread';

const { config, pool } = workerData as { config: AppConfig; pool: PoolOptions };

/**
 * Bulk mail yields the CPU to everything else of the machine's: this thread runs at a lower priority
 * (nice 10), so when CPU is short, the HTTP side and transactional mail are served first. Linux only
 * (a thread's own id from /proc/thread-self); elsewhere the thread keeps the normal priority.
 */
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 10);
} catch {
  // not Linux, or not allowed: normal priority
}
const transport = new MailTransportService(config, pool);
const port = parentPort!;

port.on('message', (req: ThreadRequest) => {
  if (req.type === 'close') {
    transport.close();
    port.close();
    return;
  }
  void transport
    .send(req.message)
    .then(
      (sent): ThreadReply => ({ id: req.id, sent }),
      (err): ThreadReply => ({ id: req.id, error: errorFields(err) }),
    )
    .then((reply) => port.postMessage(reply));
});

/** What classifySmtpError and describeSmtpError read, in a form that crosses threads. */
function errorFields(err: unknown): NonNullable<ThreadReply['error']> {
  const e = (err ?? {}) as Record<string, unknown>;
  const pick = (k: string) => (typeof e[k] === 'string' || typeof e[k] === 'number' ? e[k] : undefined);
  return {
    message: String(e.message ?? err),
    code: pick('code'),
    responseCode: pick('responseCode'),
    command: pick('command'),
    response: pick('response'),
  };
}
