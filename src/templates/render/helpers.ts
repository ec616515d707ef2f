import type { HelperOptions } from 'handlebars';
import { TemplateDataError } from '../template-errors';

/**
 * The only helpers templates get besides Handlebars' safe built-ins (if, unless, each, with, lookup):
 *   {{money order.total order.currency}}            → "€1,234.50" (amounts in major units: 12.5 is 12.50)
 *   {{money 12.5 "EUR" locale="de-DE"}}              → "12,50 €"
 *   {{date order.placedAt}}                          → "March 4, 2026"
 *   {{date order.placedAt format="short" timeZone="Europe/Berlin"}}
 * The locale comes from the `locale` option, else the data's top-level `locale`, else en-US;
 * the time zone likewise from `timeZone`, else UTC. Bad input is a TemplateDataError (a 400), never a
 * half-formatted amount.
 */
const DEFAULT_LOCALE = 'en-US';
const DATE_FORMATS = ['short', 'medium', 'long', 'full', 'datetime'] as const;
type DateFormat = (typeof DATE_FORMATS)[number];

/** Intl formatters are costly to build and cheap to reuse; keys are bounded by what templates ask for. */
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 200;

function cached(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = formatters.get(key);
  if (!f) {
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    f = make();
    formatters.set(key, f);
  }
  return f;
}

/**
 * One formatter per locale and currency, with the amounts it has formatted: a campaign prints the
 * same prices for every recipient, and Intl's format() is the costliest step of filling such a template.
 */
interface CurrencyFormat {
  format: Intl.NumberFormat;
  amounts: Map<number, string>;
}
const currencyFormats = new Map<string, Map<string, CurrencyFormat>>();
const MAX_AMOUNTS = 2_000;

function currencyFormat(locale: string, currency: string): CurrencyFormat {
  let byCurrency = currencyFormats.get(locale);
  if (!byCurrency) {
    if (currencyFormats.size >= MAX_FORMATTERS) currencyFormats.clear();
    currencyFormats.set(locale, (byCurrency = new Map<string, CurrencyFormat>()));
  }
  let f = byCurrency.get(currency);
  if (!f) {
    if (!/^[A-Za-z]{3}$/.test(currency)) throw new TemplateDataError(`money: ${describe(currency)} is not a currency code`);
    if (byCurrency.size >= MAX_FORMATTERS) byCurrency.clear();
    f = { format: new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() }), amounts: new Map() };
    byCurrency.set(currency, f);
  }
  return f;
}

export function money(this: unknown, amount: unknown, currency: unknown, options: HelperOptions): string {
  if (!isHelperOptions(options)) throw new TemplateDataError(`money needs an amount and a currency`);
  const value = typeof amount === 'number' ? amount : typeof amount === 'string' && amount.trim() !== '' ? Number(amount) : NaN;
  if (!Number.isFinite(value)) throw new TemplateDataError(`money: ${describe(amount)} is not an amount`);
  if (typeof currency !== 'string') throw new TemplateDataError(`money: ${describe(currency)} is not a currency code`);
  const f = currencyFormat(localeOf(options), currency);
  const key = value + 0; // -0 prints as 0
  let text = f.amounts.get(key);
  if (text === undefined) {
    text = f.format.format(key);
    if (f.amounts.size >= MAX_AMOUNTS) f.amounts.clear();
    f.amounts.set(key, text);
  }
  return text;
}

export function date(this: unknown, value: unknown, options: HelperOptions): string {
  if (!isHelperOptions(options)) throw new TemplateDataError(`date takes one value`);
  const d = typeof value === 'string' || typeof value === 'number' || value instanceof Date ? new Date(value) : undefined;
  if (!d || Number.isNaN(d.getTime())) throw new TemplateDataError(`date: ${describe(value)} is not a date`);
  const format = (options.hash.format ?? 'long') as DateFormat;
  if (!DATE_FORMATS.includes(format)) throw new TemplateDataError(`date: format must be one of ${DATE_FORMATS.join(', ')}`);
  const locale = localeOf(options);
  const timeZone = stringOption(options, 'timeZone') ?? 'UTC';
  const style: Intl.DateTimeFormatOptions =
    format === 'datetime' ? { dateStyle: 'medium', timeStyle: 'short', timeZone } : { dateStyle: format, timeZone };
  try {
    return cached(`d|${locale}|${format}|${timeZone}`, () => new Intl.DateTimeFormat(locale, style)).format(d);
  } catch (e) {
    if (e instanceof RangeError) throw new TemplateDataError(`date: unknown time zone ${describe(timeZone)}`);
    throw e;
  }
}

export const helpers = { money, date };
export const HELPER_NAMES: ReadonlySet<string> = new Set(Object.keys(helpers));

/** Canonical form of each locale asked for: Intl.getCanonicalLocales costs more than formatting itself. */
const canonicalLocales = new Map<string, string>();

function localeOf(options: HelperOptions): string {
  const locale = stringOption(options, 'locale') ?? DEFAULT_LOCALE;
  let canonical = canonicalLocales.get(locale);
  if (canonical === undefined) {
    try {
      canonical = Intl.getCanonicalLocales(locale)[0] ?? DEFAULT_LOCALE;
    } catch {
      throw new TemplateDataError(`${describe(locale)} is not a locale`);
    }
    if (canonicalLocales.size >= MAX_FORMATTERS) canonicalLocales.clear();
    canonicalLocales.set(locale, canonical);
  }
  return canonical;
}

/** A hash option, else the same key at the top of the recipient's data. */
function stringOption(options: HelperOptions, key: string): string | undefined {
  const fromHash: unknown = (options.hash as Record<string, unknown> | undefined)?.[key];
  if (typeof fromHash === 'string' && fromHash) return fromHash;
  const root = (options.data as { root?: Record<string, unknown> } | undefined)?.root;
  const fromData = root && Object.prototype.hasOwnProperty.call(root, key) ? root[key] : undefined;
  return typeof fromData === 'string' && fromData ? fromData : undefined;
}

function isHelperOptions(o: unknown): o is HelperOptions {
  return typeof o === 'object' && o !== null && 'hash' in o && 'data' in o;
}


function describe(v: unknown): string {
  if (v === undefined) return 'a missing value';
  if (v === null) return 'null';
  const s = typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : 'an object';
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
