/**
 * The catalogue of queues and jobs. Jobs carry ids only: the database is the truth,
 * and every job can be re-derived from it if Redis loses it.
 */
export const QueueName = {
  Imports: 'imports',
  SystemMail: 'system-mail',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  RunImport: 'run-import',
  SendSubscriptionConfirm: 'send-subscription-confirm',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

export interface JobPayloads {
  [JobName.RunImport]: { importId: string };
  [JobName.SendSubscriptionConfirm]: { subscriberId: string; listIds: string[] };
}
export type JobOf<N extends JobName> = JobPayloads[N];

/** Defaults for every job: keep failures for inspection, drop what completed. */
export const defaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: true,
  removeOnFail: false,
} as const;
