import { createHandlebars, compileTemplate } from './handlebars-env';
import { TemplateDataError } from '../template-errors';

describe('template helpers', () => {
  const hb = createHandlebars();
  const run = (source: string, data: object) => compileTemplate(hb, source, true)(data);

  it('formats money with the currency, in the locale of the data or of the call', () => {
    expect(run('{{money total currency}}', { total: 1234.5, currency: 'EUR' })).toBe('€1,234.50');
    expect(run('{{money total currency}}', { total: 1234.5, currency: 'EUR', locale: 'de-DE' })).toBe('1.234,50\u00a0€');
    expect(run('{{money total "jpy" locale="ja-JP"}}', { total: 1200 })).toBe('￥1,200');
    expect(run('{{money total currency}}', { total: '19.9', currency: 'USD' })).toBe('$19.90');
  });

  it('formats dates in UTC unless a time zone is given', () => {
    const data = { at: '2026-03-04T23:30:00Z' };
    expect(run('{{date at}}', data)).toBe('March 4, 2026');
    expect(run('{{date at timeZone="Europe/Berlin"}}', data)).toBe('March 5, 2026');
    expect(run('{{date at format="short" locale="en-GB"}}', data)).toBe('04/03/2026');
    expect(run('{{date at format="datetime"}}', data)).toBe('Mar 4, 2026, 11:30 PM');
  });

  it('refuses what it cannot format instead of printing half a value', () => {
    expect(() => run('{{money total currency}}', { currency: 'EUR' })).toThrow(TemplateDataError);
    expect(() => run('{{money total currency}}', { total: 'ten', currency: 'EUR' })).toThrow(/"ten" is not an amount/);
    expect(() => run('{{money total currency}}', { total: 1, currency: 'euro' })).toThrow(/not a currency code/);
    expect(() => run('{{date at}}', { at: 'someday' })).toThrow(/"someday" is not a date/);
    expect(() => run('{{date at timeZone="Mars/Olympus"}}', { at: '2026-01-01' })).toThrow(/unknown time zone/);
    expect(() => run('{{money total currency locale="!!"}}', { total: 1, currency: 'EUR' })).toThrow(/not a locale/);
  });

  it('escapes what the helpers return in HTML like any value', () => {
    expect(run('{{date at locale=loc}}', { at: '2026-03-04', loc: 'en-US' })).toBe('March 4, 2026');
    expect(run('{{lookup this "name"}}', { name: '<b>' })).toBe('&lt;b&gt;');
  });
});
