import { isEmail } from 'class-validator';
import { ATTRIBUTES_MAX_BYTES, NO_CONTROL_CHARS } from '../subscribers/dto/subscriber-fields';
import { emailKeyOf } from '../subscribers/email-key';

export const MAX_EMAIL_LENGTH = 320;
export const MAX_NAME_LENGTH = 200;

/** A header the import cannot use: the message is shown to the uploader as is. */
export class CsvHeaderError extends Error {}

/** Where the columns are, found once from the header row. */
export interface CsvLayout {
  /** cells in the header: a row with another count is refused */
  width: number;
  email: number;
  /** -1 when the file has no name column */
  name: number;
  /** every other column with a non-empty title becomes an attribute of that name */
  attributes: { index: number; key: string }[];
}

/** A row that passed every check, ready to be written. */
export interface ImportRow {
  email: string;
  emailKey: string;
  /** '' when the row gives none: an existing name is then kept */
  name: string;
  /** the attributes as JSON text (already measured against the 16 KB limit) */
  attributes: string;
}

/**
 * `email` is required and `name` optional, both found case-insensitively after trimming; every other
 * titled column is an attribute keyed by its trimmed title. Columns with an empty title are ignored
 * (spreadsheets often leave a trailing comma). A title used twice makes the file ambiguous.
 */
export function layoutOf(header: string[]): CsvLayout {
  const titles = header.map((h) => h.trim());
  const find = (wanted: string) => titles.flatMap((t, i) => (t.toLowerCase() === wanted ? [i] : []));
  const emails = find('email');
  const names = find('name');
  if (emails.length === 0) throw new CsvHeaderError('the first row of the CSV must be a header with an "email" column');
  if (emails.length > 1) throw new CsvHeaderError('the CSV header has more than one "email" column');
  if (names.length > 1) throw new CsvHeaderError('the CSV header has more than one "name" column');
  const attributes: CsvLayout['attributes'] = [];
  const seen = new Set<string>();
  titles.forEach((key, index) => {
    if (key === '' || index === emails[0] || index === names[0]) return;
    if (seen.has(key)) throw new CsvHeaderError(`the CSV header has the column "${key}" twice`);
    if (key.includes('\u0000')) throw new CsvHeaderError('the CSV header contains a NUL character');
    seen.add(key);
    attributes.push({ index, key });
  });
  return { width: header.length, email: emails[0], name: names.length ? names[0] : -1, attributes };
}

/** A record made only of empty cells: a blank line, skipped without complaint. */
export function isBlank(fields: string[]): boolean {
  return fields.every((f) => f.trim() === '');
}

/**
 * Checks one data record against the layout. Returns the row to write, or the reason it is refused.
 * Empty cells give no attribute, so re-importing a file with gaps never erases what is known.
 */
export function parseRow(layout: CsvLayout, fields: string[]): ImportRow | { error: string } {
  if (fields.length !== layout.width) {
    return {
      error: `the row has ${fields.length} ${fields.length === 1 ? 'column' : 'columns'}, the header has ${layout.width}`,
    };
  }
  const email = fields[layout.email].trim();
  if (email === '') return { error: 'email is missing' };
  if (email.length > MAX_EMAIL_LENGTH) return { error: `email is longer than ${MAX_EMAIL_LENGTH} characters` };
  if (!NO_CONTROL_CHARS.test(email) || !isEmail(email))
    return { error: `"${shorten(email)}" is not a valid email address` };
  let emailKey: string;
  try {
    emailKey = emailKeyOf(email);
  } catch {
    return { error: `"${shorten(email)}" has a domain that is not a valid internationalised domain name (IDNA)` };
  }

  const name = layout.name >= 0 ? fields[layout.name].trim() : '';
  if (name.length > MAX_NAME_LENGTH) return { error: `name is longer than ${MAX_NAME_LENGTH} characters` };
  if (!NO_CONTROL_CHARS.test(name)) return { error: 'name must not contain line breaks or other control characters' };

  // A prototype-less object: a column titled "__proto__" stays a plain key.
  const attrs = Object.create(null) as Record<string, string>;
  for (const { index, key } of layout.attributes) {
    const value = fields[index].trim();
    if (value === '') continue;
    if (value.includes('\u0000')) return { error: `attribute "${shorten(key)}" contains a NUL character` };
    attrs[key] = value;
  }
  const attributes = JSON.stringify(attrs);
  // JSON is at most 3 bytes per UTF-16 unit, so most rows skip the exact count.
  if (attributes.length * 3 > ATTRIBUTES_MAX_BYTES) {
    const bytes = Buffer.byteLength(attributes, 'utf8');
    if (bytes > ATTRIBUTES_MAX_BYTES) {
      return { error: `attributes must be at most ${ATTRIBUTES_MAX_BYTES / 1024} KB as JSON (got ${bytes} bytes)` };
    }
  }
  return { email, emailKey, name, attributes };
}

function shorten(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}
