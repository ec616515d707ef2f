import { CampaignView } from '../../campaigns/campaign.view';
import { DEFAULT_LAYOUT, MAX_CONTENT, WrittenFormat } from '../../campaigns/content-formats/content-format';
import { FieldErrors } from '../admin-form';
import { FormFailure } from './form-errors';

/** The content step's fields for a campaign written as Markdown or rich text (see the compose-panels partial). */
export interface WrittenForm {
  markdown: string;
  /** the rich-text editor's HTML (the textarea it replaces, without script) */
  richtext: string;
  /** the layout: a stored template's id or a built-in's slug */
  layoutRef: string;
}

export const BLANK_WRITTEN: WrittenForm = {
  markdown:
    '# Hello {{subscriber.name}}\n\nWrite your news here. **Bold**, *italic*, [links](https://example.com) and lists:\n\n- one\n- two\n',
  richtext: '<h1>Hello {{subscriber.name}}</h1><p>Write your news here.</p>',
  layoutRef: DEFAULT_LAYOUT,
};

export function writtenFormOf(body: Record<string, unknown>): WrittenForm {
  const str = (v: unknown) => (typeof v === 'string' ? v.replace(/\r\n/g, '\n') : '');
  return {
    markdown: str(body.markdown),
    richtext: str(body.richtext),
    layoutRef: str(body.layoutRef).trim() || DEFAULT_LAYOUT,
  };
}

/** What the campaign holds, for the form: its own text in its format, the starters in the other. */
export function writtenFormOfCampaign(c: CampaignView): WrittenForm {
  return {
    markdown: c.contentFormat === 'markdown' && c.content ? c.content : BLANK_WRITTEN.markdown,
    richtext: c.contentFormat === 'richtext' && c.content ? c.content : BLANK_WRITTEN.richtext,
    layoutRef: c.layoutTemplateId ?? DEFAULT_LAYOUT,
  };
}

/** The review step's word on a campaign written as Markdown or rich text; null for MJML. */
export function writtenLabel(c: CampaignView): string | null {
  if (c.contentFormat === 'mjml') return null;
  const format = c.contentFormat === 'markdown' ? 'Markdown' : 'Rich text';
  return c.layoutTemplateId === DEFAULT_LAYOUT
    ? `${format} in the newsletter layout`
    : `${format} in a layout of yours`;
}

/** The campaign fields for the chosen format, or the reason the form cannot be saved as it is. */
export function writtenContentOf(
  format: WrittenFormat,
  form: WrittenForm,
): { contentFormat: WrittenFormat; content: string; layoutTemplateId: string } | { error: string } {
  const content = format === 'markdown' ? form.markdown : form.richtext;
  if (!content.trim())
    return { error: format === 'markdown' ? 'Write the Markdown of the campaign' : 'Write the text of the campaign' };
  if (content.length > MAX_CONTENT) return { error: `At most ${MAX_CONTENT.toLocaleString('en-US')} characters` };
  return { contentFormat: format, content, layoutTemplateId: form.layoutRef };
}

/** The service's word on content or layout goes beside that field instead of on top of the form. */
export function placeWrittenFailure(format: WrittenFormat, failure: FormFailure): FormFailure {
  const alert = failure.alert ?? '';
  const field = alert.startsWith('content') ? format : alert.startsWith('layoutTemplateId') ? 'layoutRef' : null;
  if (!field) return failure;
  const errors: FieldErrors = { ...failure.errors, [field]: alert.replace(/^(content|layoutTemplateId):?\s*/, '') };
  return { ...failure, errors, alert: 'The campaign was not saved: see the message below' };
}
