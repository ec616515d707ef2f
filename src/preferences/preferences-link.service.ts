import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { messageIdFor, OutboxService } from '../delivery/outbox.service';
import { PREFERENCES_TOKEN_TTL_SECONDS, preferencesUrlOf } from '../delivery/personalize';
import { JobName, JobOf, MAIL_DEDUP_SECONDS, QueueName, QueueOf } from '../queues/queues';
import { emailKeyOf } from '../subscribers/email-key';
import { SubscriberRepository } from '../subscribers/subscriber.repository';
import { TemplatesService } from '../templates/templates.service';
import { TokenService } from '../tokens/token.service';
import { SettingsService } from '../settings/settings.service';

export const PREFERENCES_LINK_TEMPLATE = 'preferences-link';

/**
 * The only way into the preference centre (asked for here or from a mail's unsubscribe page): their address gets
 * a `preferences-link` mail whose token (7 days) proves they hold the mailbox.
 * The request looks the address up (one indexed read) and queues one job whatever it finds: the
 * subscriber's id, or null for an unknown address. The job carries no address (Redis keeps finished jobs
 * for a while), and neither the answer nor its timing tells whether the address is known: both cost one
 * read and one job.
 */
@Injectable()
export class PreferencesLinkService {
  constructor(
    @InjectQueue(QueueName.SystemMail) private readonly systemMail: QueueOf<typeof JobName.SendPreferencesLink>,
    private readonly outbox: OutboxService,
    private readonly templates: TemplatesService,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
    private readonly settings: SettingsService,
    private readonly subscribers: SubscriberRepository,
  ) {}

  async request(email: string): Promise<void> {
    const found = await this.subscribers.idByEmailKey(emailKeyOf(email));
    const payload: JobOf<typeof JobName.SendPreferencesLink> = { subscriberId: found };
    // A known address: one job per 10 minutes (a double click or a script sends one mail). Otherwise Bull's own id.
    const bucket = Math.floor(Date.now() / 1000 / MAIL_DEDUP_SECONDS);
    await this.systemMail.add(
      JobName.SendPreferencesLink,
      payload,
      found ? { jobId: `prefs-link:${found}:${bucket}` } : {},
    );
  }

  /**
   * The job: a known address gets a message in the outbox (transactional stream, kind 'preferences-link': logged,
   * retried, no tracking, no List-Unsubscribe), whose id is derived from the job's (`jobKey`), so a retried job
   * makes no second mail. An unknown address, or a person erased since, gets nothing.
   */
  async send(subscriberId: string | null, jobKey: string): Promise<'queued' | 'skipped'> {
    const subscriber = subscriberId ? await this.subscribers.findById(subscriberId) : null;
    if (!subscriber) return 'skipped';
    const { source } = await this.templates.resolve(PREFERENCES_LINK_TEMPLATE);
    const data = {
      subscriber: { email: subscriber.email, name: subscriber.name || undefined },
      preferencesUrl: preferencesUrlOf(this.tokens, this.config.publicUrl, { s: subscriber.id }),
      validDays: PREFERENCES_TOKEN_TTL_SECONDS / 86400,
      companyAddress: (await this.settings.companyAddress()) || undefined,
    };
    await this.outbox.send({
      id: messageIdFor(`${JobName.SendPreferencesLink}:${jobKey}`),
      kind: 'preferences-link',
      subscriberId: subscriber.id,
      to: { email: subscriber.email, name: subscriber.name },
      template: PREFERENCES_LINK_TEMPLATE,
      templateVersionId: source.versionId,
      data,
    });
    return 'queued';
  }
}
