import { ATTRIBUTES_MAX_BYTES, NO_CONTROL_CHARS } from '../subscribers/dto/subscriber-fields';
import { Attributes } from '../subscribers/subscriber.entity';

/**
 * The preference centre's form, read without JavaScript: a urlencoded body of strings (a repeated
 * field is an array). Fields: `name`, `a:<attribute key>` for each editable attribute, `list` (one per
 * ticked list), `tracking` (present when ticked).
 */
export type FormBody = Record<string, string | string[] | undefined>;

export interface PreferenceChanges {
  name: string;
  attributes: Attributes;
  listIds: Set<string>;
  tracking: boolean;
}

export const ATTRIBUTE_FIELD = 'a:';
const VALUE_MAX_LENGTH = 2000;

/** Attribute values shown as a text input; objects and arrays are shown read-only and kept as they are. */
export function isEditable(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** How an attribute value is shown in its input. */
export function inputValue(value: string | number | boolean | null): string {
  return value === null ? '' : String(value);
}

/**
 * The changes a submitted form asks for, or the problems that refuse it (each naming the field).
 * Only existing attributes can be edited; each keeps its type where the text allows it
 * (a number stays a number, true/false stay booleans, an emptied null stays null).
 */
export function readForm(body: FormBody, current: Attributes): PreferenceChanges | { errors: string[] } {
  const errors: string[] = [];
  const name = one(body.name).trim();
  if (name.length > 200) errors.push('Name: at most 200 characters');
  if (!NO_CONTROL_CHARS.test(name)) errors.push('Name: line breaks and control characters are not allowed');

  const attributes: Attributes = { ...current };
  for (const [key, value] of Object.entries(current)) {
    const field = body[ATTRIBUTE_FIELD + key];
    if (!isEditable(value) || field === undefined) continue;
    const text = one(field);
    if (text.length > VALUE_MAX_LENGTH) errors.push(`${key}: at most ${VALUE_MAX_LENGTH} characters`);
    else if (text.includes('\u0000')) errors.push(`${key}: NUL characters are not allowed`);
    else attributes[key] = typed(value, text);
  }
  if (Buffer.byteLength(JSON.stringify(attributes), 'utf8') > ATTRIBUTES_MAX_BYTES) errors.push('Your details are too long (16 KB at most)');

  const lists = body.list === undefined ? [] : ([] as string[]).concat(body.list);
  if (errors.length) return { errors };
  return { name, attributes, listIds: new Set(lists), tracking: body.tracking !== undefined };
}

function typed(before: string | number | boolean | null, text: string): string | number | boolean | null {
  const trimmed = text.trim();
  if (typeof before === 'number' && trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  if (typeof before === 'boolean' && /^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === 'true';
  if (before === null && trimmed === '') return null;
  return text;
}

function one(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[value.length - 1] ?? '') : (value ?? '');
}
