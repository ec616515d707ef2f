import { BadRequestException, ConflictException } from '@nestjs/common';
import { ListView } from '../../lists/lists.service';
import { SubscriberView } from '../../subscribers/subscriber.view';
import { FieldErrors, formArray, messageOf } from '../admin-form';

/** What the subscriber form shows: the typed values (kept on errors) and a checkbox per list. */
export interface SubscriberFormValues {
  id?: string;
  email: string;
  name: string;
  attributesText: string;
  listIds: string[];
  preconfirm: boolean;
  status?: string;
}

export interface ListChoice {
  id: string;
  name: string;
  optIn: string;
  checked: boolean;
  /** the membership as stored, on the edit page */
  status?: string;
  /** an unsubscribed membership: the person's own choice, kept whatever the form says */
  locked: boolean;
}

export function formValuesOf(s: SubscriberView): SubscriberFormValues {
  return {
    id: s.id,
    email: s.email,
    name: s.name,
    attributesText: Object.keys(s.attributes ?? {}).length ? JSON.stringify(s.attributes, null, 2) : '',
    listIds: s.lists.map((m) => m.listId),
    preconfirm: false,
    status: s.status,
  };
}

export function submittedValues(body: Record<string, unknown>): SubscriberFormValues {
  return {
    email: typeof body.email === 'string' ? body.email : '',
    name: typeof body.name === 'string' ? body.name : '',
    attributesText: typeof body.attributes === 'string' ? body.attributes : '',
    listIds: formArray(body.listIds),
    preconfirm: body.preconfirm === '1' || body.preconfirm === 'on',
  };
}

/**
 * The form as the API's DTO takes it; the attributes text must be a JSON object (empty: none).
 * A parse error is returned as the attributes field's error.
 */
export function dtoFields(v: SubscriberFormValues): { fields: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  let attributes: unknown = {};
  if (v.attributesText.trim()) {
    try {
      attributes = JSON.parse(v.attributesText);
    } catch (e) {
      errors.attributes = `attributes must be valid JSON (${(e as Error).message})`;
    }
  }
  return { fields: { email: v.email, name: v.name, attributes, listIds: v.listIds, preconfirm: v.preconfirm }, errors };
}

export function listChoices(
  lists: ListView[],
  checked: string[],
  memberships: SubscriberView['lists'] = [],
): ListChoice[] {
  const statusOf = new Map(memberships.map((m) => [m.listId, m.status]));
  return lists.map((l) => ({
    id: l.id,
    name: l.name,
    optIn: l.optIn,
    checked: checked.includes(l.id) || statusOf.get(l.id) === 'unsubscribed',
    status: statusOf.get(l.id),
    locked: statusOf.get(l.id) === 'unsubscribed',
  }));
}

/** A service refusal the user can fix in the form, as the error of the field it is about; anything else is rethrown. */
export function fieldErrorOf(err: unknown): FieldErrors {
  if (err instanceof ConflictException) return { email: err.message.replace(/^email: /, '') };
  if (err instanceof BadRequestException) {
    const message = messageOf(err);
    return /^List /.test(message) ? { listIds: message } : { form: message };
  }
  throw err;
}
