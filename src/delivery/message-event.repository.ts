import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource, In, MoreThanOrEqual, SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Tx } from '../database/transaction';
import { MessageEvent, MessageEventType as StoredEventType } from './message-event.entity';
import { countOf } from './message.repository';
import { ERASED_RECIPIENT } from './message.entity';
import { POSTGRES_STATS_SQL, SQLITE_STATS_SQL, StatsSql } from './stats-sql';

export type { MessageEvent } from './message-event.entity';

const INSERT_OPENS_POSTGRES = `INSERT INTO message_events (id, message_id, type, at, detail)
  SELECT r.id, r.m, 'opened', r.at, r.d
  FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, m uuid, at timestamptz, d jsonb)
  JOIN messages msg ON msg.id = r.m
  LEFT JOIN subscribers s ON s.id = msg.subscriber_id
  WHERE s.tracking_enabled OR (msg.subscriber_id IS NULL AND msg.to_email <> $2)`;

/** Parameters: id, at, detail, message id, ERASED_RECIPIENT. */
const INSERT_OPEN_SQLITE = `INSERT INTO message_events (id, message_id, type, at, detail)
  SELECT ?, msg.id, 'opened', ?, ?
  FROM messages msg
  LEFT JOIN subscribers s ON s.id = msg.subscriber_id
  WHERE msg.id = ? AND (s.tracking_enabled = 1 OR (msg.subscriber_id IS NULL AND msg.to_email <> ?))`;

/** The part of better-sqlite3's handle used here (the package ships no types). */
interface SqliteHandle {
  prepare(sql: string): { run(...params: unknown[]): unknown };
}

/** The entity's types and 'blocked': a bounce refused the message or its sender, not the address (the column is a string). */
export type MessageEventType = StoredEventType | 'blocked';

/** An event to write. */
export interface NewMessageEvent {
  id?: string;
  messageId: string;
  type: MessageEventType;
  at: Date;
  detail: Record<string, unknown> | null;
}

/** One open to write: the message, when, and the event's detail. */
export interface OpenRow {
  id: string;
  messageId: string;
  at: Date;
  detail: Record<string, unknown>;
}

/** Event counts of a campaign by type and machine flag (1: a machine's open or a scanner's click). */
export interface EventCount {
  type: MessageEventType;
  machine: number;
  total: number;
  /** messages with at least one such event */
  unique: number;
}

/** Rows inserted per statement: well under the parameter limits of both databases. */
const INSERT_CHUNK = 500;

/**
 * The one owner of the `message_events` table (and of the campaign stats made from it), and of
 * `subscriber_last_opens`, which a trigger on message_events keeps (migration 1764600000000).
 */
@Injectable()
export class MessageEventRepository {
  private readonly sql: StatsSql;
  /** SQLite: the open insert, prepared on the handle it was made for. */
  private sqliteOpens?: { handle: SqliteHandle; insert: ReturnType<SqliteHandle['prepare']> };

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sql = dataSource.options.type === 'postgres' ? POSTGRES_STATS_SQL : SQLITE_STATS_SQL;
  }

  async add(event: NewMessageEvent, tx?: Tx): Promise<void> {
    // TypeORM's insert typing cannot see through a JSON column's Record type; the row is exactly an event.
    await (tx ?? this.dataSource.manager).insert(MessageEvent, event as QueryDeepPartialEntity<MessageEvent>);
  }

  /** Several events, a few hundred per INSERT. */
  /** `ignoreKnownIds`: events whose id is already stored are left as they are (a write tried again). */
  async addMany(events: NewMessageEvent[], tx?: Tx, ignoreKnownIds = false): Promise<void> {
    const m = tx ?? this.dataSource.manager;
    for (let i = 0; i < events.length; i += INSERT_CHUNK) {
      const insert = m
        .createQueryBuilder()
        .insert()
        .into(MessageEvent)
        .values(events.slice(i, i + INSERT_CHUNK) as QueryDeepPartialEntity<MessageEvent>[])
        .updateEntity(false);
      await (ignoreKnownIds ? insert.orIgnore() : insert).execute();
    }
  }

  /** A message's events, oldest first. */
  ofMessage(messageId: string): Promise<MessageEvent[]> {
    return this.dataSource.manager.find(MessageEvent, { where: { messageId }, order: { at: 'ASC' } });
  }

  /** The events of these messages, oldest first, by message. */
  async ofMessages(messageIds: string[]): Promise<Map<string, MessageEvent[]>> {
    const byMessage = new Map<string, MessageEvent[]>();
    // In slices: SQLite allows a limited number of bound parameters per statement.
    for (let i = 0; i < messageIds.length; i += INSERT_CHUNK) {
      const rows = await this.dataSource.manager.find(MessageEvent, {
        where: { messageId: In(messageIds.slice(i, i + INSERT_CHUNK)) },
        order: { at: 'ASC' },
      });
      for (const e of rows) byMessage.set(e.messageId, [...(byMessage.get(e.messageId) ?? []), e]);
    }
    return byMessage;
  }

  /** Id and detail of every event of these messages. */
  detailsOf(messageIds: string[], tx?: Tx): Promise<Pick<MessageEvent, 'id' | 'detail'>[]> {
    return (tx ?? this.dataSource.manager).find(MessageEvent, {
      select: { id: true, detail: true },
      where: { messageId: In(messageIds) },
    });
  }

  /** The details of a message's events of one type. */
  async detailsOfType(messageId: string, type: MessageEventType): Promise<(Record<string, unknown> | null)[]> {
    const rows = await this.dataSource.manager.find(MessageEvent, {
      select: { detail: true },
      where: { messageId, type: type as StoredEventType },
    });
    return rows.map((e) => e.detail);
  }

  /** The clicks of these messages since `since`. */
  clicksSince(messageIds: string[], since: Date, tx?: Tx): Promise<MessageEvent[]> {
    return (tx ?? this.dataSource.manager).find(MessageEvent, {
      where: { messageId: In(messageIds), type: 'clicked', at: MoreThanOrEqual(since) },
    });
  }

  async updateDetail(id: string, detail: Record<string, unknown> | null, tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).update(MessageEvent, { id }, {
      detail,
    } as QueryDeepPartialEntity<MessageEvent>);
  }

  /**
   * Writes a batch of opens as `opened` events, keeping only those the rule of EngagementRecorder allows: the
   * message still exists, and either its person exists with tracking on, or it has no person and was never
   * erased (an erased message is marked by its recipient, ERASED_RECIPIENT). The rule is part of the INSERT …
   * SELECT (which reads subscribers for it), so no query more than the insert.
   * PostgreSQL: one statement, the whole batch as one JSON parameter, prepared once per connection (a batch is
   * not parsed and planned again). SQLite: one prepared statement run per open, on better-sqlite3's handle, in
   * the caller's transaction (the same handle): cheaper than json_each, which parses each row's JSON per field.
   */
  async insertOpens(rows: OpenRow[], tx?: Tx): Promise<void> {
    if (!rows.length) return;
    if (this.dataSource.options.type === 'postgres') {
      const json = JSON.stringify(rows.map((r) => ({ id: r.id, m: r.messageId, at: r.at.toISOString(), d: r.detail })));
      const values = [json, ERASED_RECIPIENT];
      const client = (tx?.queryRunner as { databaseConnection?: PoolClient } | undefined)?.databaseConnection;
      if (client) await client.query({ name: 'message-events-insert-opens', text: INSERT_OPENS_POSTGRES, values });
      else await this.dataSource.query(INSERT_OPENS_POSTGRES, values);
      return;
    }
    const handle = (this.dataSource.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection;
    if (this.sqliteOpens?.handle !== handle) this.sqliteOpens = { handle, insert: handle.prepare(INSERT_OPEN_SQLITE) };
    const insert = this.sqliteOpens.insert;
    // Times as TypeORM writes them ('YYYY-MM-DD HH:MM:SS.SSS', UTC), details as JSON text.
    for (const r of rows)
      insert.run(
        r.id,
        r.at.toISOString().replace('T', ' ').slice(0, 23),
        JSON.stringify(r.detail),
        r.messageId,
        ERASED_RECIPIENT,
      );
  }

  // --- campaign stats: aggregates only, made by the database

  /** Counts of a campaign's events of `types`, by type and machine flag. */
  async campaignEventCounts(campaignId: string, types: MessageEventType[]): Promise<EventCount[]> {
    return this.eventCounts(this.campaignEvents(campaignId), types);
  }

  /** Counts by type and machine flag of the events `events` selects (alias `e`), of `types`. */
  private async eventCounts(events: SelectQueryBuilder<object>, types: MessageEventType[]): Promise<EventCount[]> {
    const rows = await events
      .select('e.type', 'type')
      .addSelect(this.sql.machineFlag, 'machine')
      .addSelect('COUNT(*)', 'total')
      .addSelect('COUNT(DISTINCT e.message_id)', 'uniq')
      .andWhere('e.type IN (:...types)', { types })
      .groupBy('e.type')
      .addGroupBy(this.sql.machineFlag)
      .getRawMany<{ type: MessageEventType; machine: unknown; total: unknown; uniq: unknown }>();
    return rows.map((r) => ({
      type: r.type,
      machine: countOf(r.machine),
      total: countOf(r.total),
      unique: countOf(r.uniq),
    }));
  }

  /** People's clicks of a campaign per URL (scanners left out). */
  async campaignLinkClicks(campaignId: string): Promise<{ url: string; unique: number; total: number }[]> {
    const rows = await this.campaignEvents(campaignId)
      .select(this.sql.clickedUrl, 'url')
      .addSelect('COUNT(*)', 'total')
      .addSelect('COUNT(DISTINCT e.message_id)', 'uniq')
      .andWhere("e.type = 'clicked'")
      .andWhere(`${this.sql.machineFlag} = 0`)
      .groupBy(this.sql.clickedUrl)
      .getRawMany<{ url: unknown; total: unknown; uniq: unknown }>();
    return rows.map((r) => ({ url: String(r.url), unique: countOf(r.uniq), total: countOf(r.total) }));
  }

  /**
   * People's opens and clicks of a campaign per `bucketSeconds` since its start (bucket 0 = the first): an hour
   * for the stats API's timeline, what fits the data for the report's chart. `partIds`: the campaigns whose
   * messages count, when not the campaign's own (an A/B test's hidden children, timed from the test's start).
   */
  async campaignEngagementBuckets(
    campaignId: string,
    bucketSeconds: number,
    partIds: string[] = [campaignId],
  ): Promise<{ bucket: number; type: 'opened' | 'clicked'; count: number }[]> {
    const bucket = this.sql.bucketAfterStart(bucketSeconds);
    const rows = await this.peoplesEngagement(campaignId, partIds)
      .select(bucket, 'bucket')
      .addSelect('e.type', 'type')
      .addSelect('COUNT(*)', 'n')
      .groupBy(bucket)
      .addGroupBy('e.type')
      .getRawMany<{ bucket: unknown; type: 'opened' | 'clicked'; n: unknown }>();
    return rows.map((r) => ({ bucket: countOf(r.bucket), type: r.type, count: countOf(r.n) }));
  }

  /**
   * How many seconds after the campaign's start its people's last open or click came; null when none did.
   * `partIds` as in campaignEngagementBuckets.
   */
  async campaignEngagementSpan(campaignId: string, partIds: string[] = [campaignId]): Promise<number | null> {
    const row = await this.peoplesEngagement(campaignId, partIds)
      .select(`MAX(${this.sql.secondsAfterStart})`, 'span')
      .getRawOne<{ span: unknown }>();
    return row?.span === null || row?.span === undefined ? null : countOf(row.span);
  }

  /**
   * The opens and clicks by people (no machine, no scanner) of the messages of `partIds`, since the start of
   * `campaignId`, which is `c`.
   */
  private peoplesEngagement(campaignId: string, partIds: string[]) {
    return this.dataSource
      .createQueryBuilder()
      .from('message_events', 'e')
      .innerJoin('messages', 'm', 'm.id = e.message_id')
      .innerJoin('campaigns', 'c', 'c.id = :campaignId', { campaignId })
      .where('m.campaign_id IN (:...partIds)', { partIds: partIds.length ? partIds : [campaignId] })
      .andWhere("e.type IN ('opened', 'clicked')")
      .andWhere(`${this.sql.machineFlag} = 0`)
      .andWhere('e.at >= c.started_at');
  }

  /** Per campaign, the messages opened and clicked by people (machines left out). */
  async uniqueEngagement(campaignIds: string[]): Promise<{ campaignId: string; type: string; unique: number }[]> {
    const rows = await this.dataSource
      .createQueryBuilder()
      .select('m.campaign_id', 'id')
      .addSelect('e.type', 'type')
      .addSelect('COUNT(DISTINCT e.message_id)', 'uniq')
      .from('message_events', 'e')
      .innerJoin('messages', 'm', 'm.id = e.message_id')
      .where('m.campaign_id IN (:...ids)', { ids: campaignIds })
      .andWhere("e.type IN ('opened', 'clicked')")
      .andWhere(`${this.sql.machineFlag} = 0`)
      .groupBy('m.campaign_id')
      .addGroupBy('e.type')
      .getRawMany<{ id: unknown; type: string; uniq: unknown }>();
    return rows.map((r) => ({ campaignId: String(r.id), type: r.type, unique: countOf(r.uniq) }));
  }

  // --- automations (src/automations): its steps' messages are not a campaign's, so they are asked for by id

  /** Counts of these messages' events of `types`, by type and machine flag (as campaignEventCounts). */
  async messagesEventCounts(messageIds: string[], types: MessageEventType[]): Promise<EventCount[]> {
    if (!messageIds.length) return [];
    const events = this.dataSource
      .createQueryBuilder()
      .from('message_events', 'e')
      .where('e.message_id IN (:...messageIds)', { messageIds });
    return this.eventCounts(events, types);
  }

  /** Those of these messages a person opened (machine opens do not count). */
  async humanOpened(messageIds: string[]): Promise<Set<string>> {
    if (!messageIds.length) return new Set();
    const rows = await this.dataSource
      .createQueryBuilder()
      .select('DISTINCT e.message_id', 'id')
      .from('message_events', 'e')
      .where('e.message_id IN (:...messageIds)', { messageIds })
      .andWhere("e.type = 'opened'")
      .andWhere(`${this.sql.machineFlag} = 0`)
      .getRawMany<{ id: string }>();
    return new Set(rows.map((r) => String(r.id)));
  }

  /** When this person last opened a mail as a person (what segments' "opened" rules read); null if never. */
  async lastHumanOpenOf(subscriberId: string): Promise<Date | null> {
    const row = await this.dataSource
      .createQueryBuilder()
      .select('lo.opened_at', 'at')
      .from('subscriber_last_opens', 'lo')
      .where('lo.subscriber_id = :subscriberId', { subscriberId })
      .getRawOne<{ at: Date | string }>();
    if (!row) return null;
    // SQLite returns the UTC text TypeORM wrote
    return row.at instanceof Date ? row.at : new Date(`${row.at.replace(' ', 'T')}Z`);
  }

  /**
   * Of these subscribers, those who have been subscribers since before `since` and opened no mail as a person
   * (machine opens do not count) since then: the `inactive` trigger of automations.
   */
  async inactiveSince(subscriberIds: string[], since: Date): Promise<string[]> {
    if (!subscriberIds.length) return [];
    const rows = await this.dataSource
      .createQueryBuilder()
      .select('s.id', 'id')
      .from('subscribers', 's')
      .where('s.id IN (:...subscriberIds)', { subscriberIds })
      .andWhere('s.created_at < :since', { since })
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM subscriber_last_opens lo WHERE lo.subscriber_id = s.id AND lo.opened_at >= :since)`,
      )
      .getRawMany<{ id: string }>();
    return rows.map((r) => String(r.id));
  }

  private campaignEvents(campaignId: string): SelectQueryBuilder<object> {
    return this.dataSource
      .createQueryBuilder()
      .from('message_events', 'e')
      .innerJoin('messages', 'm', 'm.id = e.message_id')
      .where('m.campaign_id = :campaignId', { campaignId });
  }
}
