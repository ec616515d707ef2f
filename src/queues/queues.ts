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
  SendTransactional: 'send-transactional',
  PrepareCampaign: 'prepare-campaign',
  SendCampaignBatch: 'send-campaign-batch',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

export interface JobPayloads {
  [JobName.RunImport]: { importId: string };
  [JobName.SendSubscriptionConfirm]: { subscriberId: string; listIds: string[] };
  /**
   * The one job that carries an address: an unknown address has no id, and looking it up before the 202
   * would let the answer's timing tell known from unknown. jobId `prefs-link:<address hash>:<10-min bucket>`.
   */
  [JobName.SendPreferencesLink]: { email: string };
  /** jobId = messageId */
  [JobName.SendTransactional]: { messageId: string };
  /** jobId `prepare:<campaignId>:<n>` */
  [JobName.PrepareCampaign]: { campaignId: string };
  /** at most 200 ids; jobId `batch:<campaignId>:<first message id>` */
  [JobName.SendCampaignBatch]: { campaignId: string; messageIds: string[] };
}
export type JobOf<N extends JobName> = JobPayloads[N];

/** Defaults for every job: keep failures for inspection, drop what completed. */
export const defaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: true,
  removeOnFail: false,
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
  removeOnComplete: true,
  removeOnFail: false,
} as const;
