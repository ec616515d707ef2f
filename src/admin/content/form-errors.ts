import { BadGatewayException, BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import { FieldErrors, messageOf } from '../admin-form';
import { TemplateDataError, TemplateInvalidError, TemplateProblem } from '../../templates/template-errors';
import { problemLabel } from './template-preview.service';

/** What a service refused, arranged for the form: messages beside fields, template problems in the list, the rest on top. */
export interface FormFailure {
  errors: FieldErrors;
  problems: Array<TemplateProblem & { label: string }>;
  alert: string | null;
}

/**
 * Turns a service's refusal (invalid template, slug taken, bad data) into something to show on the form;
 * anything else is thrown again for the error page. `conflictField` names the field a 409 is about.
 */
export function formFailure(e: unknown, conflictField?: string): FormFailure {
  if (e instanceof TemplateInvalidError) {
    const problems = e.problems.map((p) => ({ ...p, label: problemLabel(p) }));
    const errors: FieldErrors = {};
    const subject = problems.find((p) => p.field === 'subject');
    if (subject) errors.subject = subject.message;
    if (problems.some((p) => p.field === 'mjml')) errors.mjml = 'The MJML has errors: see the list below the editor';
    return { errors, problems, alert: 'The template was not saved: fix the errors shown' };
  }
  if (e instanceof ConflictException && conflictField)
    return { errors: { [conflictField]: messageOf(e) }, problems: [], alert: null };
  if (
    e instanceof TemplateDataError ||
    e instanceof BadRequestException ||
    e instanceof ConflictException ||
    e instanceof BadGatewayException ||
    e instanceof NotFoundException
  ) {
    return { errors: {}, problems: [], alert: messageOf(e) };
  }
  throw e;
}

/** A form's text field: trimmed string, or undefined when blank. */
export function text(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t ? t : undefined;
}
