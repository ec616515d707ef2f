import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, In, LessThan, MoreThan, MoreThanOrEqual, Not } from 'typeorm';
import { sqliteNow } from '../database/column-dialect';
import type { Tx } from '../database/transaction';
import { rawUpdateReturningIds } from '../database/update-returning';
import { Message, MessageKind, MessageStatus, MessageStream } from './message.entity';

export type { Message, MessageKind, MessageStatus, MessageStream } from './message.entity';
export { ERASED_RECIPIENT, MESSAGE_KINDS } from './message.entity';

/** A message of a campaign batch, as the sender needs it. */
export type BatchMessage = Pick<
  Message,
  'id' | 'subscriberId' | 'toEmail' | 'toName' | 'status' | 'attempts' | 'updatedAt'
>;

/** What a new campaign row holds (one per recipient). */
export type CampaignMessageRow = Pick<
  Message,
  | 'id'
  | 'stream'
  | 'kind'
  | 'campaignId'
  | 'subscriberId'
  | 'toEmail'
  | 'toName'
  | 'template'
  | 'templateVersionId'
  | 'data'
  | 'status'
  | 'attempts'
>;

/** What a new outbox message holds. */
export type NewMessage = Pick<
  Message,
  'stream' | 'kind' | 'subscriberId' | 'toEmail' | 'toName' | 'template' | 'templateVersionId' | 'data' | 'status'
> &
  Partial<Pick<Message, 'id' | 'idempotencyKey'>>;

/** The filters of the message log (GET /api/messages). */
export interface MessageSearch {
  stream?: MessageStream;
  kind?: MessageKind;
  /** part of the address, the name or the idempotency key, any case */
  search?: string;
  skip: number;
  take: number;
}

/** Whose messages: a person by subscriber id and by the spellings their address may have been written with. */
export interface MessagesOf {
  subscriberId: string;
  /** lower-case spellings of the address */
  spellings: string[];
}

/** The one owner of the `messages` table: every read and write of a message row goes through here. */
@Injectable()
export class MessageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findById(id: string, tx?: Tx): Promise<Message | null> {
    return (tx ?? this.dataSource.manager).findOneBy(Message, { id });
  }

  findBySmtpMessageId(smtpMessageId: string): Promise<Message | null> {
    return this.dataSource.manager.findOneBy(Message, { smtpMessageId });
  }

  /** Id and sent time only (what a click needs). */
  findSentAt(id: string): Promise<Pick<Message, 'id' | 'sentAt'> | null> {
    return this.dataSource.manager.findOne(Message, { select: { id: true, sentAt: true }, where: { id } });
  }

  /** Id, person and campaign only (what an unsubscribe token is checked against). */
  findRecipientOf(id: string, tx?: Tx): Promise<Pick<Message, 'id' | 'subscriberId' | 'campaignId'> | null> {
    return (tx ?? this.dataSource.manager).findOne(Message, {
      select: { id: true, subscriberId: true, campaignId: true },
      where: { id },
    });
  }

  /** Id, person and address of each of `ids` that exists (whose engagement may be recorded). */
  findRecipients(ids: string[], tx?: Tx): Promise<Pick<Message, 'id' | 'subscriberId' | 'toEmail'>[]> {
    return (tx ?? this.dataSource.manager).find(Message, {
      select: { id: true, subscriberId: true, toEmail: true },
      where: { id: In(ids) },
    });
  }

  /** Outbox messages (every kind but campaign) still queued or sending, created since `since`, oldest first. */
  async pendingOutboxIds(since: Date): Promise<string[]> {
    const rows = await this.dataSource.manager.find(Message, {
      select: { id: true },
      where: {
        kind: Not('campaign'),
        status: In(['queued', 'sending']),
        createdAt: MoreThanOrEqual(since),
      },
      order: { createdAt: 'ASC' },
    });
    return rows.map((r) => r.id);
  }

  /**
   * Outbox messages queued since `since` and unchanged since `idleSince`, oldest first: those the queue may have
   * lost (a fresh one is being queued by whoever wrote it; a deferred one was changed at its deferral).
   */
  async idleQueuedOutboxIds(since: Date, idleSince: Date): Promise<string[]> {
    const rows = await this.dataSource.manager.find(Message, {
      select: { id: true },
      where: {
        kind: Not('campaign'),
        status: 'queued',
        createdAt: MoreThanOrEqual(since),
        updatedAt: LessThan(idleSince),
      },
      order: { createdAt: 'ASC' },
    });
    return rows.map((r) => r.id);
  }

  /** Writes one message; answers its id. */
  async create(row: NewMessage, tx?: Tx): Promise<string> {
    const m = tx ?? this.dataSource.manager;
    return (await m.save(m.create(Message, row))).id;
  }

  /** The newest message with this idempotency key created since `since`. */
  findByIdempotencyKeySince(key: string, since: Date): Promise<Message | null> {
    return this.dataSource.manager.findOne(Message, {
      where: { idempotencyKey: key, createdAt: MoreThanOrEqual(since) },
    });
  }

  /** An expired key is set aside (still searchable in the log) so it can name a new message. */
  async setIdempotencyKeyAside(key: string, createdBefore: Date, tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).update(
      Message,
      { idempotencyKey: key, createdAt: LessThan(createdBefore) },
      { idempotencyKey: () => `idempotency_key || '~' || id` },
    );
  }

  /**
   * Right before SMTP: 'sending', one more attempt and the Message-ID, only from queued or sending, and only if
   * status and attempts are still as read (`seen`): of two jobs holding the same message, one wins.
   */
  async markSending(id: string, smtpMessageId: string, seen: Pick<Message, 'status' | 'attempts'>): Promise<boolean> {
    if (seen.status !== 'queued' && seen.status !== 'sending') return false;
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Message)
      .set({ status: 'sending', smtpMessageId, attempts: () => 'attempts + 1' })
      .where({ id, status: seen.status, attempts: seen.attempts })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Changes a message only while its status is one of `from`; answers whether it did. */
  async updateIfStatus(
    id: string,
    from: MessageStatus[],
    changes: Pick<Partial<Message>, 'status' | 'sentAt' | 'lastError'>,
    tx?: Tx,
  ): Promise<boolean> {
    const result = await (tx ?? this.dataSource.manager).update(Message, { id, status: In(from) }, changes);
    return !!result.affected;
  }

  /** Marks those of `ids` still queued or sending 'sent' in one UPDATE; answers the ids it changed. */
  async markSentMany(ids: string[], sentAt: Date, tx?: Tx): Promise<string[]> {
    if (!ids.length) return [];
    // Raw (one parameter for the ids, see inList): it runs for every few messages a campaign sends.
    return rawUpdateReturningIds(
      tx ?? this.dataSource.manager,
      this.postgres
        ? `UPDATE messages SET status = 'sent', sent_at = $1, last_error = NULL, updated_at = now()
           WHERE id ${this.inList(2)} AND status IN ('queued', 'sending') RETURNING id`
        : `UPDATE messages SET status = 'sent', sent_at = ?, last_error = NULL, updated_at = ${sqliteNow()}
           WHERE id ${this.inList(2)} AND status IN ('queued', 'sending') RETURNING id`,
      [this.timeParam(sentAt), this.listParam(ids)],
    );
  }

  /** A page of the log, newest first (LOWER is ASCII-only on SQLite). */
  search(query: MessageSearch): Promise<[Message[], number]> {
    const qb = this.dataSource.manager.createQueryBuilder(Message, 'm');
    if (query.stream) qb.andWhere('m.stream = :stream', { stream: query.stream });
    if (query.kind) qb.andWhere('m.kind = :kind', { kind: query.kind });
    if (query.search) {
      const like = `%${query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(
        "(LOWER(m.to_email) LIKE :like ESCAPE '\\' OR LOWER(m.to_name) LIKE :like ESCAPE '\\' OR LOWER(m.idempotency_key) LIKE :like ESCAPE '\\')",
        { like },
      );
    }
    return qb
      .orderBy('m.created_at', 'DESC')
      .addOrderBy('m.id', 'ASC')
      .skip(query.skip)
      .take(query.take)
      .getManyAndCount();
  }

  // --- bounces

  /** Messages to one of `spellings` marked sent after `since`, `exceptId` aside. */
  countSentToSince(spellings: string[], since: Date, exceptId: string | null, tx?: Tx): Promise<number> {
    return (tx ?? this.dataSource.manager).count(Message, {
      where: {
        toEmail: In(spellings),
        status: 'sent',
        sentAt: MoreThan(since),
        ...(exceptId ? { id: Not(exceptId) } : {}),
      },
    });
  }

  // --- a person's messages (data export, erasure)

  /**
   * The messages about one person: sent to their subscriber id, or to one of the spellings of their address
   * (compared with LOWER, which folds ASCII only on SQLite).
   */
  ofPerson(person: MessagesOf, tx?: Tx): Promise<Message[]> {
    return this.ofPersonQuery(person, tx).orderBy('m.createdAt', 'ASC').getMany();
  }

  /** The same messages, with only what erasure needs. */
  ofPersonForErasure(
    person: MessagesOf,
    tx?: Tx,
  ): Promise<Pick<Message, 'id' | 'kind' | 'status' | 'lastError' | 'idempotencyKey'>[]> {
    return this.ofPersonQuery(person, tx)
      .select(['m.id', 'm.kind', 'm.status', 'm.lastError', 'm.idempotencyKey'])
      .getMany();
  }

  /** No address, name, data or person left on these messages. */
  async anonymise(ids: string[], erasedRecipient: string, tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).update(
      Message,
      { id: In(ids) },
      { toEmail: erasedRecipient, toName: '', data: null, subscriberId: null },
    );
  }

  /** Those of `ids` still queued become 'skipped'. */
  async skipQueued(ids: string[], tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).update(Message, { id: In(ids), status: 'queued' }, { status: 'skipped' });
  }

  async updateErrorAndKey(
    id: string,
    changes: Pick<Partial<Message>, 'lastError' | 'idempotencyKey'>,
    tx?: Tx,
  ): Promise<void> {
    await (tx ?? this.dataSource.manager).update(Message, { id }, changes);
  }

  private ofPersonQuery(person: MessagesOf, tx?: Tx) {
    return (tx ?? this.dataSource.manager)
      .createQueryBuilder(Message, 'm')
      .where(
        new Brackets((w) =>
          w
            .where('m.subscriberId = :id', { id: person.subscriberId })
            .orWhere('LOWER(m.toEmail) IN (:...spellings)', { spellings: person.spellings }),
        ),
      );
  }

  // --- a campaign's messages

  /** Those of `subscriberIds` who already have a message of the campaign. */
  async subscribersOfCampaign(campaignId: string, subscriberIds: string[]): Promise<Set<string | null>> {
    const rows: Array<{ subscriber_id: string | null }> = await this.dataSource.query(
      this.postgres
        ? `SELECT subscriber_id FROM messages WHERE campaign_id = $1 AND subscriber_id ${this.inList(2)}`
        : `SELECT subscriber_id FROM messages WHERE campaign_id = ? AND subscriber_id ${this.inList(2)}`,
      [campaignId, this.listParam(subscriberIds)],
    );
    return new Set(rows.map((m) => m.subscriber_id));
  }

  /**
   * PostgreSQL's planner statistics brought up to date after a campaign added its rows (up to one per reader), rather
   * than whenever autovacuum gets to them (see SubscriberBulkRepository.refreshStatistics). SQLite needs nothing.
   */
  async refreshStatistics(): Promise<void> {
    if (this.dataSource.options.type === 'postgres') await this.dataSource.query('ANALYZE messages');
  }

  /**
   * Inserts campaign rows; one that conflicts (the same person, added meanwhile) is left out (ON CONFLICT DO
   * NOTHING). The rows go as one JSON parameter: TypeORM's insert builder binds 12 per row and checks each
   * against all the others, which made its query building grow with the square of the rows (most of the main
   * thread's time while a 500-row chunk was written, seconds for a large audience).
   */
  async insertCampaignRows(rows: CampaignMessageRow[]): Promise<void> {
    if (!rows.length) return;
    const json = JSON.stringify(rows);
    if (this.postgres) {
      await this.dataSource.query(
        `INSERT INTO messages (id, stream, kind, campaign_id, subscriber_id, to_email, to_name, template, template_version_id, data, status, attempts)
         SELECT r."id", r."stream", r."kind", r."campaignId", r."subscriberId", r."toEmail", r."toName", r."template",
                r."templateVersionId", r."data", r."status", r."attempts"
         FROM jsonb_to_recordset($1::jsonb) AS r("id" uuid, "stream" varchar, "kind" varchar, "campaignId" uuid,
              "subscriberId" uuid, "toEmail" varchar, "toName" varchar, "template" varchar, "templateVersionId" varchar,
              "data" jsonb, "status" varchar, "attempts" int)
         ON CONFLICT DO NOTHING`,
        [json],
      );
      return;
    }
    const field = (name: keyof CampaignMessageRow) => `json_extract(j.value, '$.${name}')`;
    await this.dataSource.query(
      `INSERT OR IGNORE INTO messages (id, stream, kind, campaign_id, subscriber_id, to_email, to_name, template, template_version_id, data, status, attempts)
       SELECT ${field('id')}, ${field('stream')}, ${field('kind')}, ${field('campaignId')}, ${field('subscriberId')},
              ${field('toEmail')}, ${field('toName')}, ${field('template')}, ${field('templateVersionId')},
              json_extract(j.value, '$.data'), ${field('status')}, ${field('attempts')}
       FROM json_each(?) AS j`,
      [json],
    );
  }

  /** Those of `ids` that exist. */
  async existingIds(ids: string[]): Promise<Set<string>> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM messages WHERE id ${this.inList(1)}`,
      [this.listParam(ids)],
    );
    return new Set(rows.map((m) => m.id));
  }

  /**
   * `IN` one bound parameter holding a list of UUIDs (see listParam): `= ANY($n)` on PostgreSQL, the elements of a
   * JSON array on SQLite. TypeORM's In() binds each element, at a cost that grows with the square of their number.
   */
  private inList(n: number): string {
    return this.postgres ? `= ANY($${n}::uuid[])` : 'IN (SELECT value FROM json_each(?))';
  }

  private listParam(values: string[]): string[] | string {
    return this.postgres ? values : JSON.stringify(values);
  }

  /** A time as each database takes it bound: a Date for PostgreSQL, TypeORM's UTC text for SQLite. */
  private timeParam(at: Date): Date | string {
    return this.postgres ? at : at.toISOString().replace('T', ' ').slice(0, 23);
  }

  private get postgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  /** The messages among `ids` still to be sent (queued, or left 'sending'). */
  unsentOfCampaign(campaignId: string, ids: string[]): Promise<BatchMessage[]> {
    return this.dataSource.manager.find(Message, {
      select: {
        id: true,
        subscriberId: true,
        toEmail: true,
        toName: true,
        status: true,
        attempts: true,
        updatedAt: true,
      },
      where: { campaignId, id: In(ids), status: In(['queued', 'sending'] satisfies MessageStatus[]) },
    });
  }

  /** 'sending', one more attempt, its Message-ID: only if status and attempts are still as read. */
  async claim(message: BatchMessage, smtpMessageId: string): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Message)
      .set({ status: 'sending', smtpMessageId, attempts: message.attempts + 1, updatedAt: new Date() })
      .where({ id: message.id, status: message.status, attempts: message.attempts })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Those of `ids` still queued: 'sending', one more attempt, Message-ID `<id` + suffix. Answers the ids taken. */
  async claimQueued(campaignId: string, ids: string[], suffix: string): Promise<Set<string>> {
    if (!ids.length) return new Set();
    // Raw, as markSentMany: once for every few dozen messages a campaign sends.
    const taken = await rawUpdateReturningIds(
      this.dataSource.manager,
      this.postgres
        ? `UPDATE messages SET status = 'sending', smtp_message_id = '<' || id || $1::text, attempts = attempts + 1,
             updated_at = now()
           WHERE campaign_id = $2 AND id ${this.inList(3)} AND status = 'queued' RETURNING id`
        : `UPDATE messages SET status = 'sending', smtp_message_id = '<' || id || ?, attempts = attempts + 1,
             updated_at = ${sqliteNow()}
           WHERE campaign_id = ? AND id ${this.inList(3)} AND status = 'queued' RETURNING id`,
      [suffix, campaignId, this.listParam(ids)],
    );
    return new Set(taken);
  }

  /** Messages taken but not handed to SMTP: queued again with the attempt undone, or 'cancelled'. */
  async release(ids: string[], cancelled: boolean): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(Message)
      .set(cancelled ? { status: 'cancelled' } : { status: 'queued', attempts: () => 'attempts - 1' })
      .where({ id: In(ids), status: 'sending' })
      .execute();
  }

  /** Ids of the campaign's messages still queued or sending, in id order. */
  async pendingIdsOfCampaign(campaignId: string): Promise<string[]> {
    const rows = await this.dataSource.manager.find(Message, {
      select: { id: true },
      where: { campaignId, status: In(['queued', 'sending'] satisfies MessageStatus[]) },
      order: { id: 'ASC' },
    });
    return rows.map((r) => r.id);
  }

  /** Every queued message of the campaign becomes 'cancelled' (one statement); answers how many. */
  async cancelQueuedOfCampaign(campaignId: string): Promise<number> {
    const result = await this.dataSource.manager.update(
      Message,
      { campaignId, status: 'queued' },
      { status: 'cancelled' },
    );
    return result.affected ?? 0;
  }

  /** How many messages each campaign has in each status. */
  async statusCounts(
    campaignIds: string[],
  ): Promise<Array<{ campaignId: string; status: MessageStatus; count: number }>> {
    const rows: Array<{ campaignId: string; status: MessageStatus; n: string | number }> = await this.dataSource.manager
      .createQueryBuilder(Message, 'm')
      .select('m.campaign_id', 'campaignId')
      .addSelect('m.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .where('m.campaign_id IN (:...campaignIds)', { campaignIds })
      .groupBy('m.campaign_id')
      .addGroupBy('m.status')
      .getRawMany();
    return rows.map((r) => ({ campaignId: r.campaignId, status: r.status, count: Number(r.n) }));
  }

  /** Per campaign: its messages, and those handed to SMTP (sent_at set); `failed` counts status 'failed'. */
  async sendCounts(campaignIds: string[]): Promise<Map<string, { recipients: number; sent: number; failed: number }>> {
    const rows = await this.dataSource
      .createQueryBuilder()
      .select('m.campaign_id', 'id')
      .addSelect('COUNT(*)', 'recipients')
      .addSelect('SUM(CASE WHEN m.sent_at IS NOT NULL THEN 1 ELSE 0 END)', 'sent')
      .addSelect("SUM(CASE WHEN m.status = 'failed' THEN 1 ELSE 0 END)", 'failed')
      .from('messages', 'm')
      .where('m.campaign_id IN (:...campaignIds)', { campaignIds })
      .groupBy('m.campaign_id')
      .getRawMany<{ id: string; recipients: unknown; sent: unknown; failed: unknown }>();
    return new Map(
      rows.map((r) => [
        String(r.id),
        { recipients: countOf(r.recipients), sent: countOf(r.sent), failed: countOf(r.failed) },
      ]),
    );
  }

  /** Messages handed to SMTP per UTC day ('YYYY-MM-DD') since `since`, both streams. */
  async sentPerDay(since: Date): Promise<Map<string, number>> {
    const day =
      this.dataSource.options.type === 'postgres'
        ? "to_char(m.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        : "strftime('%Y-%m-%d', m.sent_at)";
    const rows = await this.dataSource
      .createQueryBuilder()
      .select(day, 'day')
      .addSelect('COUNT(*)', 'n')
      .from('messages', 'm')
      .where('m.sent_at >= :since', { since })
      .groupBy(day)
      .getRawMany<{ day: string; n: string | number }>();
    return new Map(rows.map((r) => [String(r.day), countOf(r.n)]));
  }
}

/** A count as the database answers it: PostgreSQL as a string (bigint), SQLite as a number; none is 0. */
export function countOf(value: unknown): number {
  return Number(value ?? 0) || 0;
}
