import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { randomUUID } from 'node:crypto';
import { CampaignRenderJob, CampaignRenderSetup, isComposeError } from '../delivery/campaign-render-job';
import { MailSender, NotSent } from '../delivery/mail-sender.service';
import { domainOf } from '../delivery/personalize-headers';
import { MessageLogService } from '../delivery/message-log.service';
import { ListRepository } from '../lists/list.repository';
import type { MailingList } from '../lists/list.repository';
import { SettingsService } from '../settings/settings.service';
import { SubscriberRepository } from '../subscribers/subscriber.repository';
import type { Subscriber } from '../subscribers/subscriber.repository';
import { AudienceService } from './audience.service';
import { audienceOf } from './audience-spec';
import { CampaignContentService } from './campaign-content.service';
import { CampaignMailService } from './campaign-mail.service';
import { CampaignStopWatch } from './campaign-stop-watch';
import { BatchMessage, CampaignMessagesService } from './campaign-messages.service';
import { Campaign, CampaignRepository } from './campaign.repository';
import { SendTurns } from './send-turns';
import { SendWindow } from './send-window';
import { SentRecorder } from './sent-recorder';

/**
 * Campaign messages of one process taken and waiting for a connection, per connection: enough that a
 * connection that frees up finds its next message ready while the next chunk is being taken.
 */
const TAKEN_AHEAD_PER_CONNECTION = 3;
/**
 * Messages accepted by SMTP and not yet recorded 'sent', per connection, besides the one each connection holds:
 * a connection takes its next message while the record of its last one is gathered and written (a few
 * milliseconds of waiting for company, then the database's round trip). Holding the connection until then left it
 * idle for about as long as the SMTP exchange itself. What a crash can send twice is bounded by this plus one, per
 * connection (README, Delivery).
 */
export const UNRECORDED_PER_CONNECTION = 1;
/** Messages checked (eligibility) and taken ('sending') per statement, just before they are sent. */
const CLAIM_CHUNK = 50;
/**
 * A message taken longer ago than this (waiting for the send rate, for a connection) has its recipient
 * checked once more just before SMTP: someone who unsubscribed a second ago gets nothing.
 */
const RECHECK_AFTER_MS = 1_000;
/**
 * A message left 'sending' longer than this belongs to a worker that died: Bull hands a dead worker's
 * batch to another only once its lock expired, which is at least half the lock time after its last claim.
 */
export const ABANDONED_AFTER_MS = 4_000;

export type BatchOutcome = 'done' | 'paused' | 'cancelled' | 'gone';

/** A batch could not finish: Bull retries the job (with backoff); what was sent stays sent. */
export class BatchRetry extends Error {}

/**
 * Sends one batch of a campaign. A few dozen messages at a time, just before they are sent, the recipients
 * are checked again (still subscribed, not blocklisted, not suppressed) and the messages claimed ('sending',
 * compare-and-set). Each is handed to one of the process's SMTP connections (composed in its SMTP thread),
 * which it holds until SMTP answered; then it waits, among at most UNRECORDED_PER_CONNECTION more per
 * connection, until the database recorded it 'sent' (SentRecorder): at most (1 + UNRECORDED_PER_CONNECTION)
 * messages per connection are ever handed to SMTP and not yet recorded, which bounds what a crash can send twice. Messages taken but not sent when the batch stops (pause, cancel, an SMTP deferral, the
 * database away) are given back.
 */
@Injectable()
export class CampaignSenderService {
  /** Messages of this process between being taken and SMTP's recorded answer, all batches together. */
  private readonly window: SendWindow;
  /** Messages of this process in SMTP's hands (handed over, no answer yet): one per connection. */
  private readonly connections: SendWindow;
  /**
   * Messages of this process handed to SMTP and not yet recorded (in SMTP's hands, or accepted and being
   * recorded): what a crash can send twice.
   */
  private readonly unrecorded: SendWindow;
  private readonly turns = new SendTurns();

  constructor(
    config: AppConfig,
    private readonly campaigns: CampaignRepository,
    private readonly messages: CampaignMessagesService,
    private readonly audience: AudienceService,
    private readonly content: CampaignContentService,
    private readonly mail: CampaignMailService,
    private readonly sender: MailSender,
    private readonly log: MessageLogService,
    private readonly settings: SettingsService,
    private readonly lists: ListRepository,
    private readonly subscribers: SubscriberRepository,
    private readonly stopWatch: CampaignStopWatch,
  ) {
    this.connections = new SendWindow(config.smtpConnections);
    this.unrecorded = new SendWindow(config.smtpConnections * (1 + UNRECORDED_PER_CONNECTION));
    this.window = new SendWindow(config.smtpConnections * (1 + TAKEN_AHEAD_PER_CONNECTION));
  }

  /** `lastAttempt`: the job's last try, after which an SMTP failure marks the message 'failed'. */
  async runBatch(campaignId: string, messageIds: string[], lastAttempt: boolean): Promise<BatchOutcome> {
    const campaign = await this.campaigns.findById(campaignId);
    if (!campaign) return 'gone';
    if (campaign.status !== 'sending') return campaign.status === 'paused' ? 'paused' : 'cancelled';
    const compiled = await this.content.compiled(campaign);
    const list = await this.listIdList(campaign);
    const companyAddress = await this.settings.companyAddress();
    const pending = await this.messages.unsent(campaignId, messageIds);
    const profiles = await this.profiles(pending);
    const order = new Map(messageIds.map((id, i) => [id, i]));
    pending.sort((a, b) => order.get(a.id)! - order.get(b.id)!);

    let retry: unknown = null;
    let stop: BatchOutcome | null = null;
    let busyElsewhere = 0;
    // Whether the campaign was paused or cancelled, from memory: every message asks just before SMTP.
    this.stopWatch.track(campaignId);
    const stopped = () => this.stopWatch.stopped(campaignId);
    const stillSending = (): boolean => !stopped() && !retry;

    // Messages taken for sending and not yet handed over; refilled a chunk at a time, by one taker at a time.
    const ready: BatchMessage[] = [];
    // Messages taken, then not sent because the batch stopped.
    const notSent: string[] = [];
    let cursor = 0;
    let taking: Promise<void> | null = null;
    const takenAt = new Map<string, number>();
    const takeChunk = async (): Promise<void> => {
      const chunk = pending.slice(cursor, cursor + CLAIM_CHUNK);
      cursor += chunk.length;
      const taken = await this.take(campaign, chunk, () => busyElsewhere++);
      for (const m of taken) takenAt.set(m.id, Date.now());
      ready.push(...taken);
    };
    const next = async (): Promise<BatchMessage | undefined> => {
      for (;;) {
        if (!stillSending()) return undefined;
        const m = ready.shift();
        if (m) return m;
        if (cursor >= pending.length) return undefined;
        taking ??= takeChunk().finally(() => (taking = null));
        await taking;
      }
    };

    // What every message is composed from, in the SMTP threads (the main thread renders nothing).
    const setup: CampaignRenderSetup | null = compiled.prepared && {
      key: randomUUID(),
      campaign: {
        id: campaign.id,
        name: campaign.name,
        trackOpens: campaign.trackOpens,
        trackClicks: campaign.trackClicks,
        fromName: campaign.fromName,
        fromEmail: campaign.fromEmail,
      },
      template: compiled.prepared,
      list,
      companyAddress,
    };
    const jobOf = (m: BatchMessage): CampaignRenderJob => {
      const profile = profiles.get(m.subscriberId!);
      return {
        setup: setup!,
        recipient: {
          messageId: m.id,
          subscriberId: m.subscriberId!,
          email: m.toEmail,
          name: m.toName,
          attributes: profile?.attributes ?? {},
        },
        tracking: trackingAllowed(profile),
      };
    };

    /** The last look before SMTP, after any wait for a connection or the send rate: a pause stops here. */
    const skipped = new Set<string>();
    const stillWanted = async (m: BatchMessage): Promise<boolean> => {
      if (!stillSending()) return false;
      if (Date.now() - takenAt.get(m.id)! < RECHECK_AFTER_MS) return true;
      const why = (await this.audience.ineligibleAmong(audienceOf(campaign), [m])).get(m.id);
      if (!why) return true;
      await this.log.markSkipped(m.id, why);
      skipped.add(m.id);
      return false;
    };

    // A write starts at once when as many acceptances wait as there are connections, else after a few ms.
    const recorder = new SentRecorder(this.log, this.connections.size);
    /**
     * Hands the message to SMTP, holding a connection until SMTP answers and a place among the unrecorded
     * until the answer is recorded.
     */
    const send = async (m: BatchMessage): Promise<void> => {
      if (!setup) {
        // The version cannot be rendered (its errors say why): sending again will not help.
        await this.log.recordFailure(
          m,
          new Error(`The campaign's template cannot be rendered: ${compiled.errors.map((e) => e.message).join('; ')}`),
          true,
        );
        return;
      }
      await this.unrecorded.acquire();
      try {
        let sent;
        await this.connections.acquire();
        try {
          sent = await this.sender.sendCampaign(jobOf(m), () => stillWanted(m));
        } catch (err) {
          if (err instanceof NotSent) {
            if (!skipped.has(m.id)) notSent.push(m.id);
            return;
          }
          // The data does not fit the template: final. Anything else is SMTP's answer.
          const outcome = await this.log.recordFailure(m, err, lastAttempt || isComposeError(err));
          if (outcome === 'deferred') retry ??= err;
          return;
        } finally {
          this.connections.release();
        }
        await recorder.record(m.id, sent);
      } finally {
        this.unrecorded.release();
      }
    };

    const worker = async () => {
      for (;;) {
        await this.window.acquire();
        try {
          const m = await next();
          if (!m) return;
          // One hand-over per turn of the event loop: HTTP and transactional mail between.
          await this.turns.next();
          await send(m);
        } finally {
          this.window.release();
        }
      }
    };
    // A worker that fails (the database is away) stops the batch; the others finish what SMTP holds first.
    const guarded = () => worker().catch((err: unknown) => void (retry ??= err));
    try {
      await Promise.all(Array.from({ length: Math.min(this.window.size, pending.length) }, guarded));
    } finally {
      // Recorded first: what SMTP accepted must not be given back. Every worker has returned, so no chunk is
      // being taken now: what is left in `ready` was never sent.
      await recorder.flush();
      // Read before the watch forgets the campaign: a cancel must cancel them, not queue them again.
      stop = stopped();
      this.stopWatch.untrack(campaignId);
      await this.messages.release([...ready.splice(0).map((m) => m.id), ...notSent], stop === 'cancelled');
    }

    // What SMTP or the database threw, as it was thrown: Bull retries the job on it.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (retry) throw retry;
    if (stop) return stop;
    if (busyElsewhere)
      throw new BatchRetry(
        `${busyElsewhere} message(s) of this batch are being sent elsewhere or were abandoned just now`,
      );
    await this.messages.finishIfDone(campaignId);
    return 'done';
  }

  /**
   * The next few messages of a batch, checked and taken for sending: the ineligible ones are skipped, a
   * message left 'sending' is taken over only once abandoned, queued ones are claimed in one statement.
   */
  private async take(campaign: Campaign, chunk: BatchMessage[], busy: () => void): Promise<BatchMessage[]> {
    const ineligible = await this.audience.ineligibleAmong(audienceOf(campaign), chunk);
    const queued: BatchMessage[] = [];
    const taken: BatchMessage[] = [];
    for (const m of chunk) {
      const why = ineligible.get(m.id);
      if (why) await this.log.markSkipped(m.id, why);
      else if (m.status === 'queued') queued.push(m);
      else if (Date.now() - new Date(m.updatedAt).getTime() < ABANDONED_AFTER_MS)
        busy(); // perhaps still being sent by a live worker
      else if (await this.messages.claim(m, this.mail.messageIdFor(campaign, m.id))) taken.push(m);
    }
    const claimed = await this.messages.claimQueued(
      campaign.id,
      queued.map((m) => m.id),
      domainOf(this.mail.fromOf(campaign).address),
    );
    return [...queued.filter((m) => claimed.has(m.id)), ...taken];
  }

  /**
   * The list named in List-Id, the same for every recipient: the campaign's first public list that still exists.
   * A private list's name, or the campaign's, is for the editors: every recipient would read it in the header,
   * members or not, so then List-Id carries the id alone, without a name.
   */
  private async listIdList(campaign: Campaign): Promise<{ id: string; name: string }> {
    const found = await this.lists.findByIds(campaign.listIds);
    const byId = new Map(found.map((l) => [l.id, l]));
    const existing = campaign.listIds.map((id) => byId.get(id)).filter((l): l is MailingList => !!l);
    const named = existing.find((l) => l.visibility === 'public');
    if (named) return { id: named.id, name: named.name };
    return { id: existing[0]?.id ?? campaign.id, name: '' };
  }

  private async profiles(
    messages: BatchMessage[],
  ): Promise<Map<string, Pick<Subscriber, 'id' | 'attributes' | 'trackingEnabled'>>> {
    const ids = messages.map((m) => m.subscriberId).filter((id): id is string => !!id);
    if (!ids.length) return new Map();
    const rows = await this.subscribers.profilesOf(ids);
    return new Map(rows.map((s) => [s.id, s]));
  }
}

/**
 * The recipient's choice about tracking, set in the preference centre (subscribers.tracking_enabled);
 * this is the one place that reads it. No profile (erased meanwhile) means no tracking either.
 */
export function trackingAllowed(profile: Pick<Subscriber, 'trackingEnabled'> | undefined): boolean {
  return profile?.trackingEnabled === true;
}
