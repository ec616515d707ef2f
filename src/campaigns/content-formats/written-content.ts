import { BadRequestException } from '@nestjs/common';
import { scanMustaches } from '../../templates/render/mustache-scanner';
import { WrittenFormat } from './content-format';
import { isLoneVariable, mailSafeHtml } from './mail-html';
import { markdownToHtml } from './markdown';

/**
 * The mail-safe HTML of Markdown or rich text. Handlebars is limited to plain variables (`{{subscriber.name}}`):
 * blocks, helpers, partials and `{{{raw}}}` output belong in MJML, where the editor sees the whole template;
 * here an unescaped variable could put a subscriber's own text into the mail as HTML.
 */
export function writtenToHtml(format: WrittenFormat, source: string): string {
  const html = mailSafeHtml(format === 'markdown' ? markdownToHtml(source) : source);
  for (const segment of scanMustaches(html)) {
    if (segment.type === 'token' && (segment.kind !== 'value' || !isLoneVariable(segment.source))) {
      throw new BadRequestException([
        `content: only variables like {{subscriber.name}} can be used in ${format === 'markdown' ? 'Markdown' : 'rich text'}; ` +
          `${segment.source.slice(0, 60)} needs MJML`,
      ]);
    }
  }
  if (!html) throw new BadRequestException(['content: write something (nothing of it can be shown in a mail)']);
  return html;
}
