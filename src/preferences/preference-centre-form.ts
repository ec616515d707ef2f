import { ATTRIBUTES_MAX_BYTES, NO_CONTROL_CHARS } from '../subscribers/dto/subscriber-fields';
import { humaniseKey } from '../common/humanise-key';
import type { Attributes } from '../subscribers/subscriber.repository';

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

/** What the reader may change besides the name: the attributes an admin marked (Settings), and the lists offered. */
export interface FormRules {
  editable: ReadonlyArray<{ key: string; label: string }>;
  /** the lists the page offers (public ones and those the person is on) */
  lists: ReadonlySet<string>;
}

export const ATTRIBUTE_FIELD = 'a:';
const VALUE_MAX_LENGTH = 2000;

/** Attribute values shown as a text input; objects and arrays are not editable on the page. */
export function isEditable(value: unknown): value is string | number | boolean | null | undefined {
  return value === null || value === undefined || ['string', 'number', 'boolean'].includes(typeof value);
}

/** How an attribute value is shown in its input. */
export function inputValue(value: string | number | boolean | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

/**
 * The changes a submitted form asks for, or the problems that refuse it (each naming the field by the
 * label the reader sees). Only attributes an admin marked editable change; a field for any other (a
 * forged `a:tier`), or a list the page does not offer, refuses the whole form: nothing is saved.
 * Each value keeps its type where the text allows it (a number stays a number, true/false stay
 * booleans, an emptied null stays null); an emptied attribute the person did not have stays absent.
 */
export function readForm(
  body: FormBody,
  current: Attributes,
  rules: FormRules,
): PreferenceChanges | { errors: string[] } {
  const errors: string[] = [];
  const name = one(body.name).trim();
  if (name.length > 200) errors.push('Name: at most 200 characters');
  if (!NO_CONTROL_CHARS.test(name)) errors.push('Name: line breaks and control characters are not allowed');

  const editable = new Map(rules.editable.map((a) => [a.key, a.label]));
  const attributes: Attributes = { ...current };
  for (const [field, given] of Object.entries(body)) {
    if (!field.startsWith(ATTRIBUTE_FIELD) || given === undefined) continue;
    const key = field.slice(ATTRIBUTE_FIELD.length);
    const label = editable.get(key);
    const before = Object.prototype.hasOwnProperty.call(current, key) ? current[key] : undefined;
    if (label === undefined || !isEditable(before)) {
      errors.push(`${label ?? humaniseKey(key)}: this detail cannot be changed here`);
      continue;
    }
    const text = one(given);
    if (text.length > VALUE_MAX_LENGTH) errors.push(`${label}: at most ${VALUE_MAX_LENGTH} characters`);
    else if (!NO_CONTROL_CHARS.test(text)) errors.push(`${label}: line breaks and control characters are not allowed`);
    else if (before === undefined) {
      if (text.trim()) attributes[key] = text.trim();
    } else attributes[key] = typed(before, text);
  }
  if (Buffer.byteLength(JSON.stringify(attributes), 'utf8') > ATTRIBUTES_MAX_BYTES)
    errors.push('Your details are too long (16 KB at most)');

  const lists = body.list === undefined ? [] : ([] as string[]).concat(body.list);
  if (lists.some((id) => !rules.lists.has(id))) errors.push('Lists: one of the lists chosen cannot be joined here');
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
