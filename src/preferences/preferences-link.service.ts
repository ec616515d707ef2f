import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { inTransaction } from '../database/transaction';
import { MessageEvent } from '../delivery/message-event.entity';
import { Message } from '../delivery/message.entity';
import { PREFERENCES_TOKEN_TTL_SECONDS, preferencesUrlOf } from '../delivery/personalize';
import { deliveryJobOptions, JobName, JobOf, MAIL_DEDUP_SECONDS, QueueName } from '../queues/queues';
import { emailKeyOf } from '../subscribers/email-key';
import { Subscriber } from '../subscribers/subscriber.entity';
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
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QueueName.SystemMail) private readonly systemMail: Queue,
    @InjectQueue(QueueName.Transactional) private readonly transactional: Queue,
    private readonly templates: TemplatesService,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
    private readonly settings: SettingsService,
  ) {}

  async request(email: string): Promise<void> {
    const found = await this.db.getRepository(Subscriber).findOne({ select: { id: true }, where: { emailKey: emailKeyOf(email) } });
    const payload: JobOf<typeof JobName.SendPreferencesLink> = { subscriberId: found?.id ?? null };
    // A known address: one job per 10 minutes (a double click or a script sends one mail). Otherwise Bull's own id.
    const bucket = Math.floor(Date.now() / 1000 / MAIL_DEDUP_SECONDS);
    await this.systemMail.add(JobName.SendPreferencesLink, payload, found ? { jobId: `prefs-link:${found.id}:${bucket}` } : {});
  }

  /**
   * The job: a known address gets a transactional message (logged, retried by the transactional worker,
   * no tracking, no List-Unsubscribe). An unknown address, or a person erased since, gets nothing.
   */
  async send(subscriberId: string | null): Promise<'queued' | 'skipped'> {
    const subscriber = subscriberId ? await this.db.getRepository(Subscriber).findOneBy({ id: subscriberId }) : null;
    if (!subscriber) return 'skipped';
    const { source } = await this.templates.resolve(PREFERENCES_LINK_TEMPLATE);
    const data = {
      subscriber: { email: subscriber.email, name: subscriber.name || undefined },
      preferencesUrl: preferencesUrlOf(this.tokens, this.config.publicUrl, { s: subscriber.id }),
      validDays: PREFERENCES_TOKEN_TTL_SECONDS / 86400,
      companyAddress: (await this.settings.companyAddress()) || undefined,
    };
    const id = await inTransaction(this.db, async (m) => {
      const row = await m.save(
        m.create(Message, {
          stream: 'transactional',
          subscriberId: subscriber.id,
          toEmail: subscriber.email,
          toName: subscriber.name,
          template: PREFERENCES_LINK_TEMPLATE,
          templateVersionId: source.versionId,
          data,
          status: 'queued',
        }),
      );
      await m.insert(MessageEvent, { messageId: row.id, type: 'queued', at: new Date(), detail: null });
      return row.id;
    });
    // Same job as POST /api/transactional/messages: the job id is the message id.
    await this.transactional.add(JobName.SendTransactional, { messageId: id }, { ...deliveryJobOptions, jobId: id });
    return 'queued';
  }
}
