import { BadRequestException } from '@nestjs/common';
import { isUUID } from 'class-validator';

/**
 * The rules of a segment, checked and put in one shape. A rule is `{field, op, value}`:
 * - `email`, `name`, `attributes.<key>` (text): `eq`, `neq`, `contains`, `startsWith` (a string, case-insensitive),
 *   `exists` (value true or false, default true);
 *   `attributes.<key>` also: `gt`, `gte`, `lt`, `lte`, and `eq` / `neq` with a number (numeric strings count),
 *   `before` / `after` (a date YYYY-MM-DD), `within` (a number of days, up to today), `is` (true or false);
 * - `list`: `member` / `notMember`, value a list id or `{listId, status?}` (status: unconfirmed, confirmed,
 *   unsubscribed; without one any membership but an unsubscribed one);
 * - `createdAt`: `before`, `after`, `within`;
 * - `opened`, `clicked`: `within` (days, or `{days, campaignId?}`), `notWithin` (the same, none in that time),
 *   `ever` / `never` (value none or `{campaignId}`); machine opens and scanner clicks never count;
 * - `ordered` (same as `ordered.count`), `ordered.count`, `ordered.total` (number ops), `ordered.last`
 *   (`before`, `after`, `within`, `never`), `ordered.product` (`eq` or `contains`, an item's name); cancelled and
 *   refunded orders are no purchase.
 */
export type Rule =
  | { kind: 'text'; field: TextField; op: TextOp; value: string }
  | { kind: 'exists'; field: TextField; present: boolean }
  | { kind: 'number'; key: string; op: NumberOp; value: number }
  | { kind: 'date'; field: DateField; op: 'before' | 'after'; value: string }
  | { kind: 'within'; field: DateField; days: number }
  | { kind: 'boolean'; key: string; value: boolean }
  | { kind: 'list'; listId: string; status: MembershipStatus | null; member: boolean }
  | { kind: 'engagement'; event: 'opened' | 'clicked'; days: number | null; campaignId: string | null; yes: boolean }
  | { kind: 'orders'; measure: 'count' | 'total'; op: NumberOp; value: number }
  | { kind: 'lastOrder'; op: 'before' | 'after'; value: string }
  | { kind: 'lastOrderWithin'; days: number }
  | { kind: 'neverOrdered' }
  | { kind: 'product'; op: 'eq' | 'contains'; value: string };

/** `email`, `name`, or an attribute's key. */
export type TextField = { column: 'email' | 'name' } | { attribute: string };
/** `createdAt` or an attribute's key (a date written as text). */
export type DateField = { column: 'createdAt' } | { attribute: string };
export type TextOp = 'eq' | 'neq' | 'contains' | 'startsWith';
export type NumberOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte';
export type MembershipStatus = 'unconfirmed' | 'confirmed' | 'unsubscribed';
export type Match = 'all' | 'any';

export interface RuleInput {
  field?: unknown;
  op?: unknown;
  value?: unknown;
}

/** At most this many rules in a segment (each is a subquery or a condition). */
export const RULES_MAX = 30;
const TEXT_MAX = 500;
const DAYS_MAX = 36_500;
const ATTRIBUTE_KEY = /^[A-Za-z0-9_-]{1,64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TEXT_OPS: TextOp[] = ['eq', 'neq', 'contains', 'startsWith'];
const NUMBER_OPS: NumberOp[] = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'];
const STATUSES: MembershipStatus[] = ['unconfirmed', 'confirmed', 'unsubscribed'];

/** A rule that cannot be used; `message` names the rule (`rules[2]`) and what is wrong. */
class RuleError extends Error {}

/** Every rule checked: a 400 listing each wrong rule by its index and what is wrong, else the rules. */
export function parseRules(input: unknown): Rule[] {
  if (!Array.isArray(input)) throw new BadRequestException(['rules must be an array']);
  if (input.length > RULES_MAX) throw new BadRequestException([`rules may hold at most ${RULES_MAX} rules`]);
  const errors: string[] = [];
  const rules: Rule[] = [];
  input.forEach((raw: unknown, i) => {
    try {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new RuleError('must be {field, op, value}');
      rules.push(parseRule(raw));
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      errors.push(`rules[${i}]: ${e.message}`);
    }
  });
  if (errors.length) throw new BadRequestException(errors);
  return rules;
}

function parseRule(r: RuleInput): Rule {
  const field = typeof r.field === 'string' ? r.field : '';
  const op = typeof r.op === 'string' ? r.op : '';
  if (field === 'email' || field === 'name') return textRule({ column: field }, op, r.value);
  if (field.startsWith('attributes.')) return attributeRule(field.slice('attributes.'.length), op, r.value);
  switch (field) {
    case 'list':
      return listRule(op, r.value);
    case 'createdAt':
      return dateRule({ column: 'createdAt' }, op, r.value, ['before', 'after', 'within']);
    case 'opened':
    case 'clicked':
      return engagementRule(field, op, r.value);
    case 'ordered':
    case 'ordered.count':
    case 'ordered.total':
      return { kind: 'orders', measure: field === 'ordered.total' ? 'total' : 'count', ...numberOp(op, r.value) };
    case 'ordered.last':
      if (op === 'never') return { kind: 'neverOrdered' };
      if (op === 'within') return { kind: 'lastOrderWithin', days: days(r.value) };
      if (op === 'before' || op === 'after') return { kind: 'lastOrder', op, value: date(r.value) };
      throw new RuleError('ordered.last takes op before, after, within or never');
    case 'ordered.product':
      if (op !== 'eq' && op !== 'contains') throw new RuleError('ordered.product takes op eq or contains');
      return { kind: 'product', op, value: text(r.value) };
    default:
      throw new RuleError(
        `field must be email, name, attributes.<key>, list, createdAt, opened, clicked, ordered, ordered.count, ordered.total, ordered.last or ordered.product (got ${JSON.stringify(r.field ?? null)})`,
      );
  }
}

function textRule(field: TextField, op: string, value: unknown): Rule {
  if (op === 'exists') {
    if (value !== undefined && value !== null && typeof value !== 'boolean')
      throw new RuleError('exists takes value true, false or none');
    return { kind: 'exists', field, present: value !== false };
  }
  if (!(TEXT_OPS as string[]).includes(op))
    throw new RuleError(`op must be one of ${[...TEXT_OPS, 'exists'].join(', ')} for this field`);
  return { kind: 'text', field, op: op as TextOp, value: text(value) };
}

function attributeRule(key: string, op: string, value: unknown): Rule {
  if (!ATTRIBUTE_KEY.test(key))
    throw new RuleError('an attribute key is 1 to 64 letters, digits, _ or - (attributes.<key>)');
  if (op === 'is') {
    if (typeof value !== 'boolean') throw new RuleError('is takes value true or false');
    return { kind: 'boolean', key, value };
  }
  if (['before', 'after', 'within'].includes(op)) return dateRule({ attribute: key }, op, value, [op]);
  if (['gt', 'gte', 'lt', 'lte'].includes(op) || ((op === 'eq' || op === 'neq') && typeof value === 'number'))
    return { kind: 'number', key, ...numberOp(op, value) };
  if (op === 'exists' || (TEXT_OPS as string[]).includes(op)) return textRule({ attribute: key }, op, value);
  throw new RuleError(
    'op must be eq, neq, contains, startsWith, exists, gt, gte, lt, lte, before, after, within or is for an attribute',
  );
}

function dateRule(field: DateField, op: string, value: unknown, ops: string[]): Rule {
  if (op === 'within' && ops.includes(op)) return { kind: 'within', field, days: days(value) };
  if ((op === 'before' || op === 'after') && ops.includes(op)) return { kind: 'date', field, op, value: date(value) };
  throw new RuleError(`op must be one of ${ops.join(', ')} for this field`);
}

function listRule(op: string, value: unknown): Rule {
  if (op !== 'member' && op !== 'notMember') throw new RuleError('list takes op member or notMember');
  const given = typeof value === 'string' ? { listId: value } : value;
  if (!given || typeof given !== 'object') throw new RuleError('value must be a list id or {listId, status?}');
  const { listId, status } = given as { listId?: unknown; status?: unknown };
  if (typeof listId !== 'string' || !isUUID(listId)) throw new RuleError('listId must be a list id (UUID)');
  if (status !== undefined && status !== null && !(STATUSES as unknown[]).includes(status))
    throw new RuleError(`status must be one of ${STATUSES.join(', ')}`);
  return {
    kind: 'list',
    listId: listId.toLowerCase(),
    status: (status as MembershipStatus | undefined) ?? null,
    member: op === 'member',
  };
}

function engagementRule(event: 'opened' | 'clicked', op: string, value: unknown): Rule {
  const given: { days?: unknown; campaignId?: unknown } =
    typeof value === 'number' ? { days: value } : value && typeof value === 'object' ? value : {};
  if (value !== undefined && value !== null && typeof value !== 'number' && typeof value !== 'object')
    throw new RuleError('value must be a number of days or {days?, campaignId?}');
  const campaignId = given.campaignId ?? null;
  if (campaignId !== null && (typeof campaignId !== 'string' || !isUUID(campaignId)))
    throw new RuleError('campaignId must be a campaign id (UUID)');
  const campaign = campaignId === null ? null : campaignId.toLowerCase();
  if (op === 'within' || op === 'notWithin')
    return { kind: 'engagement', event, days: days(given.days), campaignId: campaign, yes: op === 'within' };
  if (op === 'ever' || op === 'never')
    return { kind: 'engagement', event, days: null, campaignId: campaign, yes: op === 'ever' };
  throw new RuleError(`${event} takes op within, notWithin, ever or never`);
}

function numberOp(op: string, value: unknown): { op: NumberOp; value: number } {
  if (!(NUMBER_OPS as string[]).includes(op)) throw new RuleError(`op must be one of ${NUMBER_OPS.join(', ')}`);
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new RuleError('value must be a number');
  return { op: op as NumberOp, value };
}

function text(value: unknown): string {
  if (typeof value !== 'string' || !value.trim()) throw new RuleError('value must be a non-empty string');
  if (value.length > TEXT_MAX) throw new RuleError(`value must be at most ${TEXT_MAX} characters`);
  return value.trim();
}

function days(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > DAYS_MAX)
    throw new RuleError(`value must be a whole number of days from 1 to ${DAYS_MAX}`);
  return value;
}

function date(value: unknown): string {
  if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new RuleError('value must be a date YYYY-MM-DD');
  return value;
}
