import type { Queue } from 'bull';
import { createHash } from 'node:crypto';

/**
 * The catalogue of queues and jobs. Jobs carry ids only: the database is the truth,
 * and every job can be re-derived from it if Redis loses it.
 */
export const QueueName = {
  Imports: 'imports',
  SystemMail: 'system-mail',
  Transactional: 'transactional',
  Campaign: 'campaign',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  RunImport: 'run-import',
  SendSubscriptionConfirm: 'send-subscription-confirm',
  SendPreferencesLink: 'send-preferences-link',
  /** one message of the outbox (any kind but a campaign's own); the name predates the other kinds */
  SendMessage: 'send-transactional',
  PrepareCampaign: 'prepare-campaign',
  SendCampaignBatch: 'send-campaign-batch',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

export interface JobPayloads {
  [JobName.RunImport]: { importId: string };
  /** jobId confirmJobId() (or importConfirmJobId()); it creates the confirmation's message (its id derived from the job id) in the outbox */
  [JobName.SendSubscriptionConfirm]: { subscriberId: string; listIds: string[] };
  /**
   * The address is looked up before the job is queued, and only the id travels; an unknown address queues
   * the same job with `null` (so known and unknown cost the request the same work), which sends nothing.
   * jobId `prefs-link:<subscriberId>:<10-min bucket>` for a known address.
   */
  [JobName.SendPreferencesLink]: { subscriberId: string | null };
  /** jobId = messageId (OutboxService) */
  [JobName.SendMessage]: { messageId: string };
  /** jobId `prepare:<campaignId>:<n>` */
  [JobName.PrepareCampaign]: { campaignId: string };
  /** at most 200 ids; jobId `batch:<campaignId>:<first message id>` */
  [JobName.SendCampaignBatch]: { campaignId: string; messageIds: string[] };
}
export type JobOf<N extends JobName> = JobPayloads[N];
/** A queue whose jobs carry this payload: what `@InjectQueue` gives, typed. */
export type QueueOf<N extends JobName> = Queue<JobOf<N>>;

/** Asking again within this window shares one job (a double click sends one mail); later ones send again. */
export const MAIL_DEDUP_SECONDS = 10 * 60;

/**
 * The id of a confirmation mail's job: per subscriber, set of lists and 10-minute window, and `leftAt`, the
 * last time the person unsubscribed from one of them: a sign-up again after leaving gets its own new mail
 * (its link is the only one that can bring them back) even within the window of an earlier one.
 */
export function confirmJobId(subscriberId: string, listIds: string[], leftAt: Date | null = null): string {
  const lists = createHash('sha256')
    .update([...listIds].sort().join(','))
    .digest('hex')
    .slice(0, 16);
  return `confirm-${subscriberId}-${lists}-${Math.floor(Date.now() / 1000 / MAIL_DEDUP_SECONDS)}${leftAt ? `-${leftAt.getTime()}` : ''}`;
}

/**
 * The id of the confirmation mail an import sends one person: one per import and person, so a rerun of the
 * import (a retried job reads the file again) queues nothing more, and the outbox message derived from it is one.
 */
export function importConfirmJobId(importId: string, subscriberId: string): string {
  return `confirm-import-${importId}-${subscriberId}`;
}

/**
 * How long Redis keeps a finished job. A completed one is kept a day (its deterministic id still
 * de-duplicates a second enqueue meanwhile); a failed one a week, so an operator can still look at it.
 * Then both go: nothing stays in Redis for ever, whatever an error message may have said.
 */
export const KEEP_COMPLETED = { age: 24 * 3600 } as const;
export const KEEP_FAILED = { age: 7 * 24 * 3600 } as const;

/** Defaults for every job of every queue (set once, in QueuesModule). */
export const defaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: KEEP_COMPLETED,
  removeOnFail: KEEP_FAILED,
} as const;

/**
 * Mail delivery (both streams) rides out an SMTP outage of about half an hour: 14 attempts, the wait
 * doubling from 2 s and capped at 5 min (2+4+…+256 s, then 300 s each: ~33 min in all).
 * Register the queue with `settings: deliveryQueueSettings` so Bull knows the capped strategy.
 */
export const DELIVERY_BACKOFF = 'capped-exponential';
const BACKOFF_BASE_MS = 2000;
const BACKOFF_CAP_MS = 300_000;

export function cappedExponentialBackoff(attemptsMade: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attemptsMade - 1));
}

export const deliveryQueueSettings = { backoffStrategies: { [DELIVERY_BACKOFF]: cappedExponentialBackoff } };

export const deliveryJobOptions = {
  attempts: 14,
  backoff: { type: DELIVERY_BACKOFF },
  removeOnComplete: KEEP_COMPLETED,
  removeOnFail: KEEP_FAILED,
} as const;
