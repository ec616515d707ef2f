import { BadRequestException } from '@nestjs/common';

/** One thing wrong with a template: MJML's findings keep MJML's line and tag, Handlebars' keep the line. */
export interface TemplateProblem {
  /** the MJML body, the subject line, the text part, or (previews only) the data given */
  field: 'mjml' | 'subject' | 'text' | 'data';
  line: number | null;
  tagName: string | null;
  message: string;
}

/** A template that cannot be saved: 400 with `message: [{field, line, tagName, message}]`. */
export class TemplateInvalidError extends BadRequestException {
  constructor(readonly problems: TemplateProblem[]) {
    super({ statusCode: 400, error: 'Bad Request', message: problems });
  }
}

/**
 * The data given to a template does not fit it (a required field is missing, an amount is not a
 * number…). A 400 over HTTP; a queue worker should fail such a job without retrying it.
 */
export class TemplateDataError extends BadRequestException {
  constructor(readonly messages: string | string[]) {
    super({ statusCode: 400, error: 'Bad Request', message: messages });
  }
}
