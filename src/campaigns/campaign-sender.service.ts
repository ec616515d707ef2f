import { Injectable } from '@nestjs/common';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { MailSender, OutgoingMail, POOLS } from '../delivery/mail-sender.service';
import { domainOf } from '../delivery/personalize-headers';
import { MessageLogService } from '../delivery/message-log.service';
import { ListRepository } from '../lists/list.repository';
import type { MailingList } from '../lists/list.repository';
import { SettingsService } from '../settings/settings.service';
import { SubscriberRepository } from '../subscribers/subscriber.repository';
import type { Subscriber } from '../subscribers/subscriber.repository';
import { AudienceService } from './audience.service';
import { CampaignContentService } from './campaign-content.service';
import { CampaignMailService } from './campaign-mail.service';
import { BatchMessage, CampaignMessagesService } from './campaign-messages.service';
import { Campaign, CampaignRepository } from './campaign.repository';
import { SendWindow } from './send-window';
import { SentRecorder } from './sent-recorder';

/**
 * Campaign messages of one process between rendering and SMTP's answer, all batches together: the
 * campaign pool's connections, so nodemailer never queues rendered messages.
 */
const SEND_WINDOW = POOLS.campaign.maxConnections;
/** Messages checked (eligibility) and taken ('sending') per statement, just before they are sent. */
const CLAIM_CHUNK = 10;
/** How often a running batch looks whether its campaign was paused or cancelled. */
const STATUS_CHECK_MS = 200;
/**
 * A message left 'sending' longer than this belongs to a worker that died: Bull hands a dead worker's
 * batch to another only once its lock expired, which is at least half the lock time after its last claim.
 */
export const ABANDONED_AFTER_MS = 4_000;

export type BatchOutcome = 'done' | 'paused' | 'cancelled' | 'gone';

/** A batch could not finish: Bull retries the job (with backoff); what was sent stays sent. */
export class BatchRetry extends Error {}

/**
 * Sends one batch of a campaign. A few messages at a time, just before they are sent, the recipients
 * are checked again (still subscribed, not blocklisted, not suppressed) and the messages claimed
 * ('sending', compare-and-set); each is then rendered and handed to SMTP, and what SMTP accepted is
 * recorded 'sent' a few at a time (SentRecorder). A crash between SMTP's acceptance and that record is
 * the only way a recipient gets the campaign twice. Messages taken but not sent when the batch stops
 * (pause, cancel, an SMTP deferral) are given back.
 */
@Injectable()
export class CampaignSenderService {
  private readonly window = new SendWindow(SEND_WINDOW);

  constructor(
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
  ) {}

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

    let stop: BatchOutcome | null = null;
    let retry: unknown = null;
    let busyElsewhere = 0;
    let checkedAt = Date.now();
    const stillSending = async (): Promise<boolean> => {
      if (stop || retry) return false;
      if (Date.now() - checkedAt >= STATUS_CHECK_MS) {
        checkedAt = Date.now();
        const now = await this.campaigns.findStatus(campaignId);
        if (now?.status !== 'sending') stop = now?.status === 'paused' ? 'paused' : now ? 'cancelled' : 'gone';
      }
      return !stop;
    };

    // Messages taken for sending and not yet sent; refilled a chunk at a time, by one taker at a time.
    const ready: BatchMessage[] = [];
    let cursor = 0;
    let taking: Promise<void> | null = null;
    const takeChunk = async (): Promise<void> => {
      const chunk = pending.slice(cursor, cursor + CLAIM_CHUNK);
      cursor += chunk.length;
      ready.push(...(await this.take(campaign, chunk, () => busyElsewhere++)));
    };
    const next = async (): Promise<BatchMessage | undefined> => {
      for (;;) {
        if (!(await stillSending())) return undefined;
        const m = ready.shift();
        if (m) return m;
        if (cursor >= pending.length) return undefined;
        taking ??= takeChunk().finally(() => (taking = null));
        await taking;
      }
    };

    const recorder = new SentRecorder(this.log);
    const sendOne = async (m: BatchMessage): Promise<void> => {
      const profile = profiles.get(m.subscriberId!);
      let outgoing: OutgoingMail | undefined;
      try {
        outgoing = this.mail.compose(
          campaign,
          compiled,
          {
            messageId: m.id,
            subscriberId: m.subscriberId!,
            email: m.toEmail,
            name: m.toName,
            attributes: profile?.attributes ?? {},
          },
          list,
          trackingAllowed(profile),
          companyAddress,
        );
      } catch (err) {
        await this.log.recordFailure(m, err, true); // the data does not fit the template: retrying will not help
        return;
      }
      try {
        const sending = this.sender.send('campaign', outgoing);
        // Not kept in this frame while SMTP works: ~200 KB of strings per message would outlive young-generation
        // collections and pile up in the old one (peak RSS), for nothing.
        outgoing = undefined;
        recorder.sent(m.id, await sending);
      } catch (err) {
        const outcome = await this.log.recordFailure(m, err, lastAttempt);
        if (outcome === 'deferred') retry ??= err;
      }
    };

    const worker = async () => {
      for (;;) {
        await this.window.acquire();
        try {
          const m = await next();
          if (!m) return;
          // Rendering and MIME encoding are synchronous: let HTTP requests and transactional mail in between.
          await yieldToEventLoop();
          await sendOne(m);
        } finally {
          this.window.release();
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(SEND_WINDOW, pending.length) }, worker));
    } finally {
      // Every worker has returned, so no chunk is being taken now: what is left in `ready` was never sent.
      await this.messages.release(
        ready.splice(0).map((m) => m.id),
        stop === 'cancelled',
      );
      await recorder.flush();
    }

    // What SMTP threw, as it threw it: Bull retries the job on it.
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
    const ineligible = await this.audience.ineligibleAmong(campaign.listIds, chunk);
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
