import Handlebars from 'handlebars';
import { localInput, zonedText } from '../../common/zoned-time';
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
  /** A date and time in the signed-in user's time zone (profile), the zone named: 3 Dec 2026, 09:00 Europe/Berlin. */
  hbs.registerHelper('datetime', (d: unknown, options: Handlebars.HelperOptions) => {
    const date = dateOf(d);
    return date ? zonedText(date, zoneOf(options)) : '–';
  });
  /** The value for a datetime-local input, on the wall clock of the user's time zone. */
  hbs.registerHelper('datetimeInput', (d: unknown, options: Handlebars.HelperOptions) => {
    const date = dateOf(d);
    return date ? localInput(date, zoneOf(options)) : '';
  });
  hbs.registerHelper('json', (v: unknown) => JSON.stringify(v ?? null, null, 2));
}

function dateOf(d: unknown): Date | null {
  if (!d) return null;
  const date = d instanceof Date ? d : new Date(d as string);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The page's user's zone (every page gets `user`; pages without one, the login page, show UTC). */
function zoneOf(options: Handlebars.HelperOptions | undefined): string {
  const data = options?.data as { root?: { user?: { timeZone?: unknown } } } | undefined;
  const root = data?.root;
  return typeof root?.user?.timeZone === 'string' ? root.user.timeZone : 'UTC';
}
