import { HttpException } from '@nestjs/common';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { plainMessage } from './plain-errors';

/** Field name → first message, to show each error next to its field. */
export type FieldErrors = Record<string, string>;

/**
 * Validates a submitted form against a DTO class (the same class-validator rules as the API), so the
 * page can be shown again with the input kept and each error beside its field, in an editor's words
 * (plainMessage).
 */
export async function validateForm<T extends object>(
  dto: ClassConstructor<T>,
  body: unknown,
): Promise<{ value: T; errors: FieldErrors | null }> {
  const value = plainToInstance(dto, body ?? {}, { enableImplicitConversion: false });
  const found = await validate(value, { whitelist: true, forbidNonWhitelisted: false });
  return { value, errors: found.length ? flatten(found) : null };
}

function flatten(errors: ValidationError[], prefix = ''): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors) {
    const field = prefix + e.property;
    const first = plainMessage(e, field);
    if (first) out[field] = first;
    if (e.children?.length) Object.assign(out, flatten(e.children, `${field}.`));
  }
  return out;
}

/** A form's checkbox group or multi-select: absent, one value, or many → an array of strings. */
export function formArray(v: unknown): string[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]).map(String).filter(Boolean);
}

/** What an HttpException says, as one line of text for a page (several messages joined with `; `). */
export function messageOf(e: HttpException): string {
  const body = e.getResponse();
  const raw = typeof body === 'string' ? body : (body as { message?: unknown }).message;
  return Array.isArray(raw)
    ? raw.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join('; ')
    : typeof raw === 'string'
      ? raw
      : e.message;
}
