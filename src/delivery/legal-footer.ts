import Handlebars from 'handlebars';
import type { RenderedMessage } from '../templates/render/renderer.service';

/**
 * Every campaign mail carries the company's postal address and an unsubscribe link, in its HTML and in its
 * text part (CAN-SPAM; contract: Templates and rendering). Whether a template "has" them is decided on what was
 * actually rendered for this recipient, part by part, not on the template's source: a `{{unsubscribeUrl}}` in a
 * comment, in the text part only, inside an `{{#if}}` that was false, or a footer a helper dropped all leave the
 * message without it, and only the rendered output shows that. What is missing from a part is added to that part
 * as a small footer. The checks are substring searches of values known in advance (a few per message).
 */
export interface FooterValues {
  unsubscribeUrl: string;
  preferencesUrl: string;
  /** empty when no address is configured: then there is nothing to add */
  companyAddress: string;
}

/** What one part lacks. */
export interface PartNeeds {
  unsubscribe: boolean;
  address: boolean;
}

export interface FooterNeeds {
  html: PartNeeds;
  text: PartNeeds;
}

export function footerNeeds(message: Pick<RenderedMessage, 'html' | 'text'>, values: FooterValues): FooterNeeds {
  const lines = addressLines(values.companyAddress);
  return {
    html: {
      unsubscribe: !containsEither(message.html, values.unsubscribeUrl, true),
      address: lines.length > 0 && !lines.every((line) => containsEither(message.html, line)),
    },
    text: {
      unsubscribe: !hasWholeUrl(message.text, values.unsubscribeUrl),
      address: lines.length > 0 && !lines.every((line) => message.text.includes(line)),
    },
  };
}

/** The message with a footer added to each part that lacks the unsubscribe link or the postal address. */
export function withLegalFooter<T extends RenderedMessage>(message: T, values: FooterValues): T {
  const needs = footerNeeds(message, values);
  const html =
    needs.html.unsubscribe || needs.html.address
      ? insertBeforeBodyEnd(message.html, htmlFooter(needs.html, values))
      : message.html;
  const text =
    needs.text.unsubscribe || needs.text.address
      ? `${message.text}\n\n${textFooter(needs.text, values)}`
      : message.text;
  return { ...message, html, text };
}

/**
 * What the editor and the review step say before sending, or null when the template carries both itself:
 * "A footer with the postal address will be added to the text part."
 */
export function footerNotice(needs: FooterNeeds): string | null {
  const what = (p: PartNeeds) =>
    [p.unsubscribe && 'the unsubscribe link', p.address && 'the postal address'].filter(Boolean).join(' and ');
  const html = what(needs.html);
  const text = what(needs.text);
  if (!html && !text) return null;
  if (html === text) return `A footer with ${html} will be added to every mail: this template does not show it.`;
  const parts = [html && `${html} to the HTML part`, text && `${text} to the text part`].filter(Boolean).join(', and ');
  return `A footer will be added to every mail with ${parts}: this template does not show it there.`;
}

function htmlFooter(needs: PartNeeds, values: FooterValues): string {
  const e = Handlebars.escapeExpression;
  const links = needs.unsubscribe
    ? `<p style="margin:0 0 8px;"><a href="${e(values.unsubscribeUrl)}" style="color:#6b7280;">Unsubscribe</a>` +
      (values.preferencesUrl
        ? ` &middot; <a href="${e(values.preferencesUrl)}" style="color:#6b7280;">Manage preferences</a>`
        : '') +
      '</p>'
    : '';
  const address = needs.address
    ? `<p style="margin:0;">${addressLines(values.companyAddress).map(e).join('<br>')}</p>`
    : '';
  return (
    '<div style="margin:0 auto;max-width:600px;padding:24px 16px;text-align:center;font-family:Arial,Helvetica,sans-serif;' +
    `font-size:12px;line-height:1.5;color:#6b7280;">${links}${address}</div>`
  );
}

function textFooter(needs: PartNeeds, values: FooterValues): string {
  const lines: string[] = [];
  if (needs.unsubscribe) {
    lines.push(`Unsubscribe: ${values.unsubscribeUrl}`);
    if (values.preferencesUrl) lines.push(`Manage preferences: ${values.preferencesUrl}`);
  }
  if (needs.address) lines.push(...(lines.length ? [''] : []), ...addressLines(values.companyAddress));
  return lines.join('\n');
}

/** The address line by line: a template may print it on one line, with <br>s, or through a helper. */
function addressLines(address: string): string[] {
  return address
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/**
 * In HTML a value appears as written by `{{{x}}}` or escaped by `{{x}}`, and counts only outside `<!-- comments -->`.
 * A URL counts only whole: the preferences link is the unsubscribe link with `/preferences` after it.
 */
function containsEither(html: string, value: string, url = false): boolean {
  if (visibleIn(html, value, url)) return true;
  const escaped = Handlebars.escapeExpression(value);
  return escaped !== value && visibleIn(html, escaped, url);
}

function visibleIn(html: string, value: string, url: boolean): boolean {
  for (let at = html.indexOf(value); at >= 0; at = html.indexOf(value, at + 1)) {
    if (url && continuesUrl(html, at + value.length)) continue;
    if (html.lastIndexOf('<!--', at) <= html.lastIndexOf('-->', at)) return true;
  }
  return false;
}

/** Whether `url` stands in `text` with nothing after it that would make it another URL (a path, a query). */
function hasWholeUrl(text: string, url: string): boolean {
  for (let at = text.indexOf(url); at >= 0; at = text.indexOf(url, at + 1)) {
    if (!continuesUrl(text, at + url.length)) return true;
  }
  return false;
}

function continuesUrl(text: string, at: number): boolean {
  return /[\w\-./?#%&=~+]/.test(text.charAt(at));
}

function insertBeforeBodyEnd(html: string, footer: string): string {
  const end = html.lastIndexOf('</body>');
  return end < 0 ? html + footer : `${html.slice(0, end)}${footer}${html.slice(end)}`;
}
