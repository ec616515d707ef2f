import { isEmail } from 'class-validator';
import type { ValidationError } from 'class-validator';
import { humaniseKey } from '../common/humanise-key';

/**
 * The admin forms' error messages in an editor's words. The DTOs' messages are the API's: precise, but in the
 * developer's terms ("name must not be empty", "emails must be valid email addresses"). A form shows instead
 * what is wrong with which field, and names the offending value ("“bob@” is not an email address").
 * A DTO message written for people already (it does not start with the field's name) is kept as it is.
 */

/** How a form calls a field, where its property name would not do. */
const LABELS: Record<string, string> = {
  listIds: 'lists',
  fromEmail: 'sender address',
  fromName: 'sender name',
  emails: 'test addresses',
  sendAt: 'send time',
  optIn: 'opt-in',
  mjml: 'MJML',
  companyAddress: 'postal address',
  key: 'attribute key',
};

/** "replyTo" → "reply to"; a nested "attributes.city" → "city". */
export function fieldLabel(property: string): string {
  const last = property.split('.').pop() ?? property;
  return LABELS[last] ?? humaniseKey(last).toLowerCase();
}

const quote = (v: unknown) => `“${String(v).slice(0, 80)}”`;

/** The first problem of one field, in plain words. */
export function plainMessage(e: ValidationError, property: string): string | undefined {
  const constraints = e.constraints ?? {};
  const [kind, message] = Object.entries(constraints)[0] ?? [];
  if (!kind || message === undefined) return undefined;
  // Written for people already: kept.
  if (!message.startsWith(`${e.property} `) && !message.startsWith(`${property} `)) return message;
  const label = fieldLabel(property);
  const value: unknown = e.value;
  const blank = value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
  const limit = /(\d+)/.exec(message)?.[1];
  switch (kind) {
    case 'isNotEmpty':
      return `The ${label} is empty: fill it in`;
    case 'isEmail':
      if (Array.isArray(value)) {
        const bad = value.filter((v) => typeof v !== 'string' || !isEmail(v));
        return `${bad.map(quote).join(', ')} ${bad.length === 1 ? 'is not an email address' : 'are not email addresses'}: write each like reader@example.com`;
      }
      return blank
        ? `The ${label} is empty: write an address like reader@example.com`
        : `${quote(value)} is not an email address: write it like reader@example.com`;
    case 'maxLength':
      return `The ${label} is too long (${typeof value === 'string' ? value.length : '?'} characters): at most ${limit ?? 'fewer'}`;
    case 'minLength':
      return blank
        ? `The ${label} is empty: fill it in`
        : `The ${label} is too short: at least ${limit ?? 'more'} characters`;
    case 'isIn':
    case 'isEnum':
      return blank ? `Choose the ${label}` : `${quote(value)} is not one of the choices for the ${label}`;
  }
  // Any other rule: the DTO's own sentence, about "the <label>" rather than the property.
  const rest = message.startsWith(`${property} `)
    ? message.slice(property.length + 1)
    : message.slice(e.property.length + 1);
  return `The ${label} ${rest}`;
}
