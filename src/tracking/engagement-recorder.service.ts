import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Transactions, Tx } from '../database/transaction';
import { uuid7 } from '../database/uuid7';
import { MessageEventRepository } from '../delivery/message-event.repository';
import { ERASED_RECIPIENT, MessageRepository } from '../delivery/message.repository';
import { SubscriberRepository } from '../subscribers/subscriber.repository';
import { BURST_MS, burstClicks, machineOpen, scannerClick } from './classify';
import { EventBuffer, EventBufferOptions } from './event-buffer';

/** Who fetched: kept with the event (the person can download and erase it through the preference centre). */
export interface Client {
  ip: string | null;
  userAgent: string | null;
}

export interface OpenHit extends Client {
  kind: 'open';
  messageId: string;
  at: Date;
}

export interface ClickHit extends Client {
  kind: 'click';
  messageId: string;
  url: string;
  at: Date;
  method: string;
  sentAt: Date | null;
}

export type Hit = OpenHit | ClickHit;

/** Read live by the buffer (a test lengthens flushMs to see the shutdown write what waits). */
export const RECORDER_OPTIONS: EventBufferOptions = { maxBatch: 500, flushMs: 250, maxPending: 200_000 };
const MAX_USER_AGENT = 500;

/**
 * Opens and clicks, buffered in memory and written as `opened` / `clicked` message events in batches, so the
 * pixel and the redirect never wait for the database. Each event's detail says whether a machine made it
 * (`machine` for opens, `scanner` for clicks, with the reason); the stats count people only.
 * Whatever waits is written when the service stops.
 */
@Injectable()
export class EngagementRecorder implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(EngagementRecorder.name);
  private readonly buffer: EventBuffer<Hit>;

  constructor(
    private readonly transactions: Transactions,
    private readonly messages: MessageRepository,
    private readonly events: MessageEventRepository,
    private readonly subscribers: SubscriberRepository,
  ) {
    this.buffer = new EventBuffer(
      (batch) => this.write(batch),
      RECORDER_OPTIONS,
      (err, size, dropped) =>
        this.logger.error(
          `Could not write ${size} open/click event(s), kept for the next try${dropped ? `; dropped the ${dropped} oldest` : ''}: ${String(err)}`,
        ),
    );
  }

  record(hit: Hit): void {
    this.buffer.push(hit);
  }

  /** Writes everything recorded so far. */
  flush(): Promise<void> {
    return this.buffer.flush();
  }

  /** Before the HTTP server closes, and again after it did (for requests that were still being answered). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.buffer.pending) return;
    if (!this.transactions.databaseOpen) {
      this.logger.error(`${this.buffer.pending} open/click event(s) lost: the database closed first`);
      return;
    }
    await this.flush();
  }

  private async write(batch: Hit[]): Promise<void> {
    const opens = batch.filter((h): h is OpenHit => h.kind === 'open').map(openRow);
    const clicks = batch.filter((h): h is ClickHit => h.kind === 'click');
    // A transaction also when there are only opens: on SQLite it takes its turn with the other writers.
    await this.transactions.run(async (tx) => {
      await this.events.insertOpens(opens, tx);
      if (!clicks.length) return;
      const tracked = await this.trackedMessages(tx, [...new Set(clicks.map((h) => h.messageId))]);
      const hits = clicks.filter((h) => tracked.has(h.messageId));
      const rows = hits.map(clickRow);
      await this.markBursts(tx, hits, rows);
      await this.events.addMany(rows, tx);
    });
  }

  /**
   * The messages whose clicks may be recorded (insertOpens applies the same rule to opens): those of a person
   * who still has tracking on, and those that never had a person (no campaign mail today, but rows made
   * without one, as the pixel benchmark's). A valid token may name a message deleted since (with its
   * campaign), a person who turned tracking off after the mail went out, or one whose data was erased:
   * nothing is recorded for those (the pixel and the redirect still work). An erased message is known by
   * its mark (ERASED_RECIPIENT), not by its missing subscriber, so it can never count as "never had one".
   */
  private async trackedMessages(m: Tx, ids: string[]): Promise<Set<string>> {
    const messages = await this.messages.findRecipients(ids, m);
    const personIds = [...new Set(messages.map((r) => r.subscriberId).filter((id): id is string => !!id))];
    const people = await this.subscribers.trackingOf(personIds, m);
    const allowed = new Set(people.filter((p) => p.trackingEnabled).map((p) => p.id));
    return new Set(
      messages
        .filter((r) => (r.subscriberId ? allowed.has(r.subscriberId) : r.toEmail !== ERASED_RECIPIENT))
        .map((r) => r.id),
    );
  }

  /**
   * Flags clicks of a burst (several links of one message within seconds), those of this batch and
   * those already stored, which only now turn out to be part of one.
   */
  private async markBursts(tx: Tx, hits: ClickHit[], rows: EventRow[]): Promise<void> {
    const clicks = hits.map((h, i) => ({ hit: h, row: rows[i] }));
    if (!clicks.length) return;
    const since = new Date(Math.min(...clicks.map((c) => c.hit.at.getTime())) - BURST_MS);
    const stored = await this.events.clicksSince([...new Set(clicks.map((c) => c.hit.messageId))], since, tx);
    const storedRows = new Set<object>(stored);
    const candidates = [
      ...clicks.map((c) => ({
        messageId: c.hit.messageId,
        url: String(c.row.detail.url),
        at: c.hit.at,
        row: c.row,
      })),
      ...stored.map((e) => ({
        messageId: e.messageId,
        url: String(e.detail?.url),
        at: new Date(e.at),
        row: e,
      })),
    ];
    for (const c of burstClicks(candidates)) {
      const detail = c.row.detail ?? {};
      if (detail.scanner === true) continue;
      c.row.detail = { ...detail, scanner: true, reason: 'burst' };
      if (storedRows.has(c.row)) await this.events.updateDetail(c.row.id, c.row.detail, tx);
    }
  }
}

interface EventRow {
  id: string;
  messageId: string;
  type: 'opened' | 'clicked';
  at: Date;
  detail: Record<string, unknown>;
}

function openRow(h: OpenHit): EventRow {
  const machine = machineOpen(h.userAgent, h.ip);
  const userAgent =
    h.userAgent && h.userAgent.length > MAX_USER_AGENT ? h.userAgent.slice(0, MAX_USER_AGENT) : h.userAgent;
  // Built whole, without spreads: one of these per open.
  const detail = machine
    ? { machine: true, proxy: machine, ip: h.ip, userAgent }
    : { machine: false, ip: h.ip, userAgent };
  return { id: uuid7(), messageId: h.messageId, type: 'opened', at: h.at, detail };
}

function clickRow(h: ClickHit): EventRow {
  const scanner = scannerClick(h.method, h.at, h.sentAt);
  const detail = { url: h.url, scanner: scanner !== null, ...(scanner ? { reason: scanner } : {}), ...client(h) };
  return { id: uuid7(), messageId: h.messageId, type: 'clicked', at: h.at, detail };
}

function client(h: Client): { ip: string | null; userAgent: string | null } {
  return { ip: h.ip, userAgent: h.userAgent?.slice(0, MAX_USER_AGENT) ?? null };
}
