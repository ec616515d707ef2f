import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { MailSender } from '../delivery/mail-sender.service';
import { MessageLogService } from '../delivery/message-log.service';
import { MailingList } from '../lists/list.entity';
import { Subscriber } from '../subscribers/subscriber.entity';
import { AudienceService } from './audience.service';
import { CampaignContentService } from './campaign-content.service';
import { CampaignMailService } from './campaign-mail.service';
import { BatchMessage, CampaignMessagesService } from './campaign-messages.service';
import { Campaign } from './campaign.entity';

/** Messages of one batch in flight at once (the campaign pool has 5 SMTP connections). */
const CONCURRENCY = 5;
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
 * Sends one batch of a campaign. For each message: the recipient is checked again (still subscribed,
 * not blocklisted, not suppressed), rendered, claimed ('sending', compare-and-set), handed to SMTP and
 * recorded 'sent' at once. A crash between SMTP's acceptance and that record is the only way a
 * recipient gets the campaign twice.
 */
@Injectable()
export class CampaignSenderService {
  private readonly logger = new Logger(CampaignSenderService.name);

  constructor(
    @InjectRepository(Campaign) private readonly campaigns: Repository<Campaign>,
    @InjectRepository(MailingList) private readonly lists: Repository<MailingList>,
    @InjectRepository(Subscriber) private readonly subscribers: Repository<Subscriber>,
    private readonly messages: CampaignMessagesService,
    private readonly audience: AudienceService,
    private readonly content: CampaignContentService,
    private readonly mail: CampaignMailService,
    private readonly sender: MailSender,
    private readonly log: MessageLogService,
  ) {}

  /** `lastAttempt`: the job's last try, after which an SMTP failure marks the message 'failed'. */
  async runBatch(campaignId: string, messageIds: string[], lastAttempt: boolean): Promise<BatchOutcome> {
    const campaign = await this.campaigns.findOneBy({ id: campaignId });
    if (!campaign) return 'gone';
    if (campaign.status !== 'sending') return campaign.status === 'paused' ? 'paused' : 'cancelled';
    const compiled = await this.content.compiled(campaign);
    const list = await this.listIdList(campaign);
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
        const now = await this.campaigns.findOne({ select: { id: true, status: true }, where: { id: campaignId } });
        if (now?.status !== 'sending') stop = now?.status === 'paused' ? 'paused' : now ? 'cancelled' : 'gone';
      }
      return !stop;
    };

    const sendOne = async (m: BatchMessage): Promise<void> => {
      if (m.status === 'sending' && Date.now() - new Date(m.updatedAt).getTime() < ABANDONED_AFTER_MS) {
        busyElsewhere++; // perhaps still being sent by a live worker: looked at again when the job is retried
        return;
      }
      const why = await this.audience.ineligibility(campaign.listIds, m.subscriberId, m.toEmail);
      if (why) {
        await this.log.markSkipped(m.id, why);
        return;
      }
      const profile = profiles.get(m.subscriberId!);
      let outgoing;
      try {
        outgoing = this.mail.compose(
          campaign,
          compiled,
          { messageId: m.id, subscriberId: m.subscriberId!, email: m.toEmail, name: m.toName, attributes: profile?.attributes ?? {} },
          list,
          trackingAllowed(profile),
        );
      } catch (err) {
        await this.log.recordFailure(m, err, true); // the data does not fit the template: retrying will not help
        return;
      }
      if (!(await this.messages.claim(m, outgoing.messageId!))) return;
      try {
        const sent = await this.sender.send('campaign', outgoing);
        await this.log.markSent(m.id, sent);
      } catch (err) {
        const outcome = await this.log.recordFailure(m, err, lastAttempt);
        if (outcome === 'deferred') retry ??= err;
      }
    };

    let next = 0;
    const worker = async () => {
      while (next < pending.length && (await stillSending())) await sendOne(pending[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, pending.length) }, worker));

    if (retry) throw retry;
    if (stop) return stop;
    if (busyElsewhere) throw new BatchRetry(`${busyElsewhere} message(s) of this batch are being sent elsewhere or were abandoned just now`);
    await this.messages.finishIfDone(campaignId);
    return 'done';
  }

  /** The list named in List-Id: the campaign's first list that still exists. */
  private async listIdList(campaign: Campaign): Promise<{ id: string; name: string }> {
    const found = await this.lists.findBy({ id: In(campaign.listIds) });
    const byId = new Map(found.map((l) => [l.id, l]));
    const first = campaign.listIds.map((id) => byId.get(id)).find(Boolean);
    return first ? { id: first.id, name: first.name } : { id: campaign.id, name: campaign.name };
  }

  private async profiles(messages: BatchMessage[]): Promise<Map<string, Pick<Subscriber, 'id' | 'attributes'>>> {
    const ids = messages.map((m) => m.subscriberId).filter((id): id is string => !!id);
    if (!ids.length) return new Map();
    const rows = await this.subscribers.find({ select: { id: true, attributes: true }, where: { id: In(ids) } });
    return new Map(rows.map((s) => [s.id, s]));
  }
}

/**
 * The recipient's choice about tracking. Subscribers have no such setting yet; the preference centre
 * adds one, and this is the one place that reads it.
 */
export function trackingAllowed(profile: Pick<Subscriber, 'attributes'> | undefined): boolean {
  void profile;
  return true;
}
