import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { REDIS_CONNECTION, RedisConnection } from '../queues/redis-connection';
import { RAW_BOUNCE_LIMIT } from './raw-body';
import { VerpBounces } from './verp-bounces';

/** How often the mailbox is read (and once at boot). */
export const MAILBOX_POLL_MS = 60_000;
/** Where read messages go; created when missing. */
export const PROCESSED_FOLDER = 'Processed';
/** Messages read per round: a full mailbox is worked through over several rounds, never all in memory. */
const PER_ROUND = 200;
/** Longer than any round takes: a process that dies holding the lock frees it after this. */
const LOCK_MS = 10 * 60_000;
/** Releases the lock only if it is still ours (it may have expired and been taken by another process). */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/** What one round did. */
export interface MailboxRound {
  /** false: another process was reading the mailbox */
  ran: boolean;
  processed: number;
}

/**
 * Polls the mailbox of BOUNCE_IMAP_URL: each unseen message is read like one that reached the bounce listener,
 * then flagged \Seen and moved to PROCESSED_FOLDER, only once the database recorded it: a crash in between
 * leaves it unseen, and it is read again next round (harmless: a hard bounce or suppression is recorded once,
 * and BouncesService counts repeated soft bounces of one message once). One process at a time reads it (a
 * Redis lock), whichever processes have the variable set.
 */
@Injectable()
export class BounceMailbox implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BounceMailbox.name);
  private timer?: NodeJS.Timeout;
  private redis?: Redis;
  private running?: Promise<MailboxRound>;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly intake: VerpBounces,
    @Inject(REDIS_CONNECTION) private readonly connection: RedisConnection,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.bounceImapUrl) return;
    this.redis = new Redis({ ...this.connection.options, lazyConnect: true, maxRetriesPerRequest: 3 });
    const tick = () => void this.poll().catch((err: Error) => this.logger.error(`bounce mailbox: ${err.message}`));
    tick();
    this.timer = setInterval(tick, MAILBOX_POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
    this.redis?.disconnect();
  }

  /** One round now (the timer's rounds and this one never overlap); answers when it is done. */
  poll(): Promise<MailboxRound> {
    if (!this.config.bounceImapUrl || this.stopped) return Promise.resolve({ ran: false, processed: 0 });
    // A round asked for while one runs waits for it, then runs: a caller always sees what came before the call.
    const next = (this.running ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.lockedRound(this.config.bounceImapUrl!));
    this.running = next;
    return next;
  }

  private async lockedRound(url: string): Promise<MailboxRound> {
    const key = `${this.config.queuePrefix}:bounce-mailbox-lock`;
    const token = randomBytes(12).toString('hex');
    if ((await this.redis!.set(key, token, 'PX', LOCK_MS, 'NX')) !== 'OK') return { ran: false, processed: 0 };
    try {
      return { ran: true, processed: await this.round(url) };
    } finally {
      await this.redis!.eval(RELEASE, 1, key, token);
    }
  }

  private async round(url: string): Promise<number> {
    const target = new URL(url);
    const folder = decodeURIComponent(target.pathname.replace(/^\/+/, '')) || 'INBOX';
    const client = new ImapFlow({
      host: target.hostname,
      port: Number(target.port || (target.protocol === 'imaps:' ? 993 : 143)),
      secure: target.protocol === 'imaps:',
      auth: { user: decodeURIComponent(target.username), pass: decodeURIComponent(target.password) },
      logger: false,
    });
    // A dropped connection is reported as an event; the round's own calls fail and end it.
    client.on('error', (err: Error) => this.logger.warn(`bounce mailbox connection: ${err.message}`));
    await client.connect();
    let processed = 0;
    try {
      const lock = await client.getMailboxLock(folder);
      try {
        const unseen = (await client.search({ seen: false }, { uid: true })) || [];
        if (unseen.length) await client.mailboxCreate(PROCESSED_FOLDER);
        for (const uid of unseen.slice(0, PER_ROUND)) {
          if (this.stopped) break;
          await this.readOne(client, uid);
          processed++;
        }
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
    return processed;
  }

  /** Throws (leaving the message unseen, for the next round) only when recording failed. */
  private async readOne(client: ImapFlow, uid: number): Promise<void> {
    const range = String(uid);
    const meta = await client.fetchOne(range, { size: true }, { uid: true });
    if (meta && (meta.size ?? 0) <= RAW_BOUNCE_LIMIT) {
      const message = await client.fetchOne(range, { source: true }, { uid: true });
      const raw = message && message.source ? message.source : Buffer.alloc(0);
      const result = await this.intake.receive(raw, this.intake.messageInHeaders(raw));
      if (result.kind === 'unreadable')
        this.logger.warn(`bounce mailbox: message ${uid} cannot be read: ${result.why}`);
    } else {
      this.logger.warn(`bounce mailbox: message ${uid} is over ${RAW_BOUNCE_LIMIT} bytes; moved unread`);
    }
    await client.messageFlagsAdd(range, ['\\Seen'], { uid: true });
    await client.messageMove(range, PROCESSED_FOLDER, { uid: true });
  }
}
