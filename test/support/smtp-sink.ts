import PostalMime, { Email } from 'postal-mime';
import { SMTPServer, SMTPServerOptions } from 'smtp-server';
import { freePort } from './free-port';

export interface ReceivedMail {
  /** RCPT TO addresses */
  to: string[];
  from: string;
  raw: string;
  parsed: Email;
  /** header name (lower-case) → every value, in order, as received */
  headers: Map<string, string[]>;
  /** Date.now() when the sink accepted it */
  at: number;
}

/**
 * A real SMTP server for tests: it accepts mail, keeps the raw message and its parsed form.
 * `reject` lets a test answer with an SMTP error for chosen recipients.
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  reject?: (rcpt: string) => { code: number; message: string } | undefined;
  /** while set, every recipient is refused with this (deferUntil): a mail server in trouble for a while */
  private deferral?: { until: number; code: number; message: string };
  /** awaited once a message's data has arrived, before it is accepted: lets a test hold SMTP mid-message */
  beforeAccept?: () => Promise<void>;
  /** every RCPT TO address offered, accepted or not, in order: tells how often a message was tried */
  readonly rcptAttempts: string[] = [];
  readonly connectionErrors: Error[] = [];
  private server?: SMTPServer;
  port = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Listens on `port` if given (a test can point the service at a port before the server is up). */
  async start(options: Partial<SMTPServerOptions> = {}, port?: number): Promise<this> {
    this.port = port ?? (await freePort());
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        this.rcptAttempts.push(address.address);
        const deferred = this.deferral && Date.now() < this.deferral.until ? this.deferral : undefined;
        const refusal = deferred ?? this.reject?.(address.address);
        if (!refusal) return callback();
        const err = Object.assign(new Error(refusal.message), { responseCode: refusal.code });
        callback(err);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        const accept = async (): Promise<void> => {
          await this.beforeAccept?.();
          const raw = Buffer.concat(chunks).toString('utf8');
          const parsed = await PostalMime.parse(raw);
          this.received.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            raw,
            parsed,
            headers: headersOf(raw),
            at: Date.now(),
          });
        };
        // A message that cannot be parsed is refused rather than left hanging (the client would wait forever).
        stream.on('end', () => void accept().then(() => callback(), callback));
      },
      ...options,
    });
    // A client that dies mid-session (a test SIGKILLs the service) resets its connection: smtp-server reports
    // that as an 'error' event, which would throw if nobody listened. Kept for a test to look at.
    this.server.on('error', (err) => this.connectionErrors.push(err));
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    return this;
  }

  /**
   * Waits until `count` messages matching `match` have arrived (default: any), or fails after `timeoutMs`
   * (generous: the suite must pass on a busy machine; the deadline only ends a test that hangs).
   */
  async waitFor(
    match: (m: ReceivedMail) => boolean = () => true,
    count = 1,
    timeoutMs = 60_000,
  ): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.filter(match);
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${count} message(s), got ${found.length}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * For `ms` from now every RCPT TO is answered `code` (default 451, a temporary failure): the client keeps the
   * message and tries again later. Answers when the refusals end.
   */
  deferFor(ms: number, code = 451, message = '4.3.0 Mail server temporarily unavailable, try again later'): number {
    this.deferral = { until: Date.now() + ms, code, message };
    return this.deferral.until;
  }

  /** Recipients that arrived more than once, and how many times each. */
  duplicates(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of this.received) for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
    return new Map([...counts].filter(([, n]) => n > 1));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Unfolds the header block of a raw message into name → values. */
export function headersOf(raw: string): Map<string, string[]> {
  const head = raw.split(/\r?\n\r?\n/, 1)[0];
  const map = new Map<string, string[]>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    map.set(name, [...(map.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return map;
}
