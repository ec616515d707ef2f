import type { SqlCondition } from '../database/sql-condition';
import { escapeLike } from '../subscribers/search';
import type { DateField, Match, NumberOp, Rule, TextField } from './segment-rules';

/**
 * The few SQL expressions that PostgreSQL and SQLite spell differently, for a segment's condition; the segment
 * repository picks one. `k` is a parameter name holding what `attributeKey` made of an attribute's key.
 */
export interface SegmentDialect {
  /** the parameter value naming an attribute (PostgreSQL: the key; SQLite: a JSON path) */
  attributeKey(key: string): string;
  /** the attribute's value as text, null when missing, JSON null, an object or an array; booleans as 'true'/'false' */
  attributeText(k: string): string;
  /** the attribute's value as a number when it is one or a numeric string, else null */
  attributeNumber(k: string): string;
  /** true when the text `expr` starts with a date YYYY-MM-DD */
  startsWithDate(expr: string): string;
  /** an open event `e` made by a person (not a privacy proxy), a click by a person (not a link scanner) */
  humanOpen: string;
  humanClick: string;
  /** true when an item name of order `o` matches: `cmp` is applied to the lower-cased name (`= :p`, `LIKE :p …`) */
  anyItem(cmp: string): string;
  /** a time as a parameter value the time columns compare with */
  time(d: Date): unknown;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Orders in these statuses are no purchase (see VOID_ORDER_STATUSES). */
const PURCHASE = `o.status NOT IN ('cancelled', 'refunded')`;
const SQL_OPS: Record<NumberOp, string> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };

/**
 * A segment's rules as one condition on subscriber `s`. Each rule is a condition or a subquery that PostgreSQL can
 * turn into a (semi-)join: "opened any mail" is a probe of subscriber_last_opens; other engagement is an EXISTS
 * over the person's messages (idx_messages_subscriber_id) and their events (clicks by
 * idx_message_events_human_clicks_by_message, whose predicate is the dialect's humanClick; opens of one campaign by
 * idx_message_events_message_at); orders are grouped by address in the order of the partial index of purchases
 * (idx_orders_purchases, whose predicate is PURCHASE). Times are computed here from `now`, so the SQL holds no clock arithmetic of either dialect.
 */
export function segmentCondition(rules: Rule[], match: Match, dialect: SegmentDialect, now: Date): SqlCondition {
  const params: Record<string, unknown> = {};
  let n = 0;
  const param = (value: unknown): string => {
    const name = `seg${n++}`;
    params[name] = value;
    return `:${name}`;
  };
  const parts = rules.map((r) => `(${ruleSql(r, dialect, param, now)})`);
  if (!parts.length) return { sql: '1 = 1', params };
  return { sql: `(${parts.join(match === 'all' ? ' AND ' : ' OR ')})`, params };
}

type Param = (value: unknown) => string;

function ruleSql(r: Rule, d: SegmentDialect, p: Param, now: Date): string {
  switch (r.kind) {
    case 'text': {
      const x = textOf(r.field, d, p);
      const v = r.value.toLowerCase();
      if (r.op === 'eq') return `LOWER(${x}) = ${p(v)}`;
      if (r.op === 'neq') return `${x} IS NULL OR LOWER(${x}) <> ${p(v)}`;
      const pattern = r.op === 'contains' ? `%${escapeLike(v)}%` : `${escapeLike(v)}%`;
      return `LOWER(${x}) LIKE ${p(pattern)} ESCAPE '\\'`;
    }
    case 'exists': {
      const x = textOf(r.field, d, p);
      return r.present ? `${x} IS NOT NULL AND ${x} <> ''` : `${x} IS NULL OR ${x} = ''`;
    }
    case 'number': {
      const x = d.attributeNumber(p(d.attributeKey(r.key)));
      return r.op === 'neq' ? `${x} IS NULL OR ${x} <> ${p(r.value)}` : `${x} ${SQL_OPS[r.op]} ${p(r.value)}`;
    }
    case 'boolean': {
      const x = d.attributeText(p(d.attributeKey(r.key)));
      return `LOWER(${x}) IN (${r.value ? `'true', 'yes'` : `'false', 'no'`})`;
    }
    case 'date':
      return dateSql(r.field, r.op, r.value, d, p);
    case 'within': {
      if ('column' in r.field) return `s.created_at >= ${p(d.time(new Date(now.getTime() - r.days * DAY_MS)))}`;
      const x = d.attributeText(p(d.attributeKey(r.field.attribute)));
      const from = dayOf(new Date(now.getTime() - r.days * DAY_MS));
      return `${d.startsWithDate(x)} AND SUBSTR(${x}, 1, 10) >= ${p(from)} AND SUBSTR(${x}, 1, 10) <= ${p(dayOf(now))}`;
    }
    case 'list': {
      const status = r.status ? `x.status = ${p(r.status)}` : `x.status <> 'unsubscribed'`;
      const exists = `EXISTS (SELECT 1 FROM subscriptions x WHERE x.subscriber_id = s.id AND x.list_id = ${p(r.listId)} AND ${status})`;
      return r.member ? exists : `NOT ${exists}`;
    }
    case 'engagement': {
      const since = (at: string) =>
        r.days === null ? '' : ` AND ${at} >= ${p(d.time(new Date(now.getTime() - r.days * DAY_MS)))}`;
      // Any mail opened: the person's last human open, kept by a trigger on message_events (one probe per person).
      const exists =
        r.event === 'opened' && r.campaignId === null
          ? `EXISTS (SELECT 1 FROM subscriber_last_opens lo WHERE lo.subscriber_id = s.id${since('lo.opened_at')})`
          : `EXISTS (SELECT 1 FROM messages m JOIN message_events e ON e.message_id = m.id` +
            ` WHERE m.subscriber_id = s.id AND e.type = '${r.event}'` +
            ` AND ${r.event === 'opened' ? d.humanOpen : d.humanClick}${since('e.at')}` +
            `${r.campaignId === null ? '' : ` AND m.campaign_id = ${p(r.campaignId)}`})`;
      return r.yes ? exists : `NOT ${exists}`;
    }
    case 'orders': {
      // People without orders have a count and a total of 0: whether 0 passes decides between "those whose
      // orders pass" and "all but those whose orders fail".
      const agg = r.measure === 'count' ? 'COUNT(*)' : 'COALESCE(SUM(o.total), 0)';
      const test = `${agg} ${SQL_OPS[r.op]} ${p(r.value)}`;
      const grouped = (having: string) =>
        `SELECT o.email_key FROM orders o WHERE ${PURCHASE} GROUP BY o.email_key HAVING ${having}`;
      return compare(0, r.op, r.value)
        ? `s.email_key NOT IN (${grouped(`NOT (${test})`)})`
        : `s.email_key IN (${grouped(test)})`;
    }
    case 'lastOrder':
      return r.op === 'after'
        ? ordersWhere(`o.ordered_at >= ${p(d.time(dayStart(r.value, 1)))}`)
        : `s.email_key IN (SELECT o.email_key FROM orders o WHERE ${PURCHASE} GROUP BY o.email_key HAVING MAX(o.ordered_at) < ${p(d.time(dayStart(r.value, 0)))})`;
    case 'lastOrderWithin':
      return ordersWhere(`o.ordered_at >= ${p(d.time(new Date(now.getTime() - r.days * DAY_MS)))}`);
    case 'neverOrdered':
      return `s.email_key NOT IN (SELECT o.email_key FROM orders o WHERE ${PURCHASE})`;
    case 'product': {
      const v = r.value.toLowerCase();
      const cmp = r.op === 'eq' ? `= ${p(v)}` : `LIKE ${p(`%${escapeLike(v)}%`)} ESCAPE '\\'`;
      return ordersWhere(d.anyItem(cmp));
    }
  }
}

/** Those with a purchase that passes `where`. */
function ordersWhere(where: string): string {
  return `s.email_key IN (SELECT o.email_key FROM orders o WHERE ${PURCHASE} AND ${where})`;
}

function textOf(field: TextField, d: SegmentDialect, p: Param): string {
  if ('column' in field) return field.column === 'email' ? 's.email' : 's.name';
  return d.attributeText(p(d.attributeKey(field.attribute)));
}

/** `before` a day: earlier than its start; `after` a day: from the start of the next one (UTC). */
function dateSql(field: DateField, op: 'before' | 'after', day: string, d: SegmentDialect, p: Param): string {
  if ('column' in field) {
    return op === 'before'
      ? `s.created_at < ${p(d.time(dayStart(day, 0)))}`
      : `s.created_at >= ${p(d.time(dayStart(day, 1)))}`;
  }
  const x = d.attributeText(p(d.attributeKey(field.attribute)));
  return `${d.startsWithDate(x)} AND SUBSTR(${x}, 1, 10) ${op === 'before' ? '<' : '>'} ${p(day)}`;
}

function dayStart(day: string, plusDays: number): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) + plusDays * DAY_MS);
}

function dayOf(t: Date): string {
  return t.toISOString().slice(0, 10);
}

function compare(a: number, op: NumberOp, b: number): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'neq':
      return a !== b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
  }
}
