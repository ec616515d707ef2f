/**
 * The campaign stream's SMTP pool (or this thread's share of it, see SmtpThreads), in a thread of its own:
 * composing a campaign's messages (CampaignComposer), their MIME encoding and the socket writes run here, so
 * they never hold up the main thread's HTTP requests and transactional mail, and their garbage stays in this
 * thread's small heap.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { AppConfig } from '../config/app-config';
import { createHandlebars } from '../templates/render/handlebars-env';
import { CompiledTemplate, compilePrepared } from '../templates/render/renderer.service';
import type { TemplateDataError } from '../templates/template-errors';
import { TokenService } from '../tokens/token.service';
import { CampaignComposer } from './campaign-composer';
import { CampaignRenderSetup, ComposeError } from './campaign-render-job';
import { MailTransportService, PoolOptions } from './mail-transport.service';
import { toTransportMail } from './outgoing-mail';
import { SETUPS_KEPT, ThreadReply, ThreadRequest } from './smtp-thread';

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
const composer = new CampaignComposer(
  { publicUrl: config.publicUrl, companyAddress: config.companyAddress, tokens: new TokenService(config) },
  config.mailFrom,
);
const hb = createHandlebars();
/** The setups of the batches being sent, newest last; the main thread forgets them in the same order. */
const setups = new Map<string, { setup: CampaignRenderSetup; compiled: CompiledTemplate }>();
const port = parentPort!;

port.on('message', (req: ThreadRequest) => {
  switch (req.type) {
    case 'close':
      transport.close();
      port.close();
      return;
    case 'setup':
      setups.set(req.setup.key, { setup: req.setup, compiled: compiledFor(req.setup) });
      while (setups.size > SETUPS_KEPT) setups.delete(setups.keys().next().value!);
      return;
    case 'send':
      reply(req.id, () => req.message);
      return;
    case 'compose':
      reply(req.id, () => {
        const known = setups.get(req.key);
        if (!known) throw new Error(`campaign setup ${req.key} is unknown to this thread`);
        const { setup, compiled } = known;
        try {
          const mail = composer.compose(
            setup.campaign,
            compiled,
            req.recipient,
            setup.list,
            req.tracking,
            setup.companyAddress,
          );
          return toTransportMail(mail, config);
        } catch (err) {
          // A TemplateDataError says what is wrong in `messages`; its message is only its class's name.
          const messages = (err as Partial<TemplateDataError>).messages;
          const message = messages ? ([] as string[]).concat(messages).join('; ') : undefined;
          throw new ComposeError(message ?? String((err as Error)?.message ?? err));
        }
      });
  }
});

/** One compilation per template version, whichever batches use it. */
function compiledFor(setup: CampaignRenderSetup): CompiledTemplate {
  for (const known of setups.values())
    if (known.setup.template.versionId === setup.template.versionId) return known.compiled;
  return compilePrepared(hb, setup.template);
}

function reply(id: number, message: () => Parameters<MailTransportService['send']>[0]): void {
  void Promise.resolve()
    .then(() => transport.send(message()))
    .then(
      (sent): ThreadReply => ({ id, sent }),
      (err): ThreadReply => ({ id, error: errorFields(err) }),
    )
    .then(answer);
}

/**
 * Replies of one turn of the event loop go back in one postMessage: at hundreds of messages a second, one
 * post per reply (a copy, a wake-up of the main thread, an event there) was a few percent of both threads.
 */
let answers: ThreadReply[] = [];
function answer(r: ThreadReply): void {
  if (!answers.length)
    setImmediate(() => {
      const batch = answers;
      answers = [];
      port.postMessage(batch);
    });
  answers.push(r);
}

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
    composeFailed: e.composeFailed === true || undefined,
  };
}
