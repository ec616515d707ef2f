import Handlebars from 'handlebars';
import { countOf, countText, percentText } from '../format';

/**
 * Helpers of the admin views (not of mail templates, which have their own sandboxed environment).
 * Everything a view prints with {{ }} is escaped; {{{ }}} is used only for HTML the server built.
 */
export function registerViewHelpers(hbs: typeof Handlebars): void {
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('neq', (a: unknown, b: unknown) => a !== b);
  hbs.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hbs.registerHelper('not', (a: unknown) => !a);
  hbs.registerHelper('includes', (list: unknown, item: unknown) => Array.isArray(list) && list.includes(item));
  hbs.registerHelper('number', (n: unknown) => (typeof n === 'number' ? countText(n) : (n ?? '0')));
  /** {{plural n "recipient"}} → "1 recipient" / "47 recipients"; a third argument for an irregular plural. */
  hbs.registerHelper('plural', (n: unknown, one: unknown, ...rest: unknown[]) => {
    const many = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    return countOf(typeof n === 'number' ? n : Number(n ?? 0), String(one), many);
  });
  hbs.registerHelper('percent', (part: unknown, whole: unknown) => percentText(Number(part), Number(whole)));
  /** A date and time in UTC, as the API gives them, readable: 2026-11-22 14:05 UTC. */
  hbs.registerHelper('datetime', (d: unknown) => {
    if (!d) return '–';
    const date = d instanceof Date ? d : new Date(d as string);
    return Number.isNaN(date.getTime()) ? '–' : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  });
  /** The value for a datetime-local input (UTC). */
  hbs.registerHelper('datetimeInput', (d: unknown) => {
    if (!d) return '';
    const date = d instanceof Date ? d : new Date(d as string);
    return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 16);
  });
  hbs.registerHelper('json', (v: unknown) => JSON.stringify(v ?? null, null, 2));
}
