import { TemplateDataError } from '../template-errors';

export type TemplateData = Record<string, unknown>;

const MAX_DEPTH = 32;

/**
 * A deep copy holding only JSON-like values. Handlebars calls functions it finds in the data and
 * would print class instances oddly; the copy has neither, so a template sees plain data and nothing
 * else (Dates become ISO strings, which the `date` helper reads). It also detaches the recipient's
 * data from whatever the caller keeps, so nothing leaks from one render into the next.
 */
export function plainData(data: unknown): TemplateData {
  if (data === undefined || data === null) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new TemplateDataError('data must be an object');
  return copy(data, 0) as TemplateData;
}

function copy(v: unknown, depth: number): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (typeof v !== 'object') return undefined; // functions, symbols, undefined
  if (depth >= MAX_DEPTH) throw new TemplateDataError(`data is nested more than ${MAX_DEPTH} levels deep`);
  if (Array.isArray(v)) return v.map((item) => copy(item, depth + 1) ?? null);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const value = copy((v as Record<string, unknown>)[key], depth + 1);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * Required paths are dotted (`order.trackingUrl`); `*` walks every element of an array
 * (`order.items.*.name`). Null, undefined and empty strings count as missing; empty arrays do not.
 * Every missing field is named: "data.order.trackingUrl is required".
 */
export function missingFields(data: TemplateData, required: readonly string[]): string[] {
  const missing: string[] = [];
  for (const path of required) walk(data, path.split('.'), 'data', missing);
  return missing;
}

export function assertRequired(data: TemplateData, required: readonly string[]): void {
  const missing = missingFields(data, required);
  if (missing.length) throw new TemplateDataError(missing.map((p) => `${p} is required`));
}

function walk(value: unknown, parts: string[], at: string, missing: string[]): void {
  if (!parts.length) {
    if (value === undefined || value === null || value === '') missing.push(at);
    return;
  }
  const [head, ...rest] = parts;
  if (head === '*') {
    if (!Array.isArray(value)) {
      missing.push(at);
      return;
    }
    value.forEach((item, i) => walk(item, rest, `${at}.${i}`, missing));
    return;
  }
  const next =
    value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, head)
      ? (value as Record<string, unknown>)[head]
      : undefined;
  if (next === undefined || next === null) {
    // Name the field the template needs (data.customer.email), up to any array walk.
    const star = rest.indexOf('*');
    const field = [at, head, ...(star < 0 ? rest : rest.slice(0, star))].join('.');
    if (!missing.includes(field)) missing.push(field);
    return;
  }
  walk(next, rest, `${at}.${head}`, missing);
}

/** Shape check for a `required` list (used by the DTOs and the built-in loader). */
export const REQUIRED_PATH = /^[A-Za-z_$][\w$]*(\.([A-Za-z_$][\w$]*|\*))*$/;
