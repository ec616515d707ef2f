import { HtmlPass } from '../templates/render/renderer.service';
import { decodeEntities } from '../templates/render/render-hooks';
import { tokensOf } from '../templates/render/mustache-scanner';

/**
 * The once-per-version pass that prepares a campaign's HTML template for personalisation; per recipient
 * only the helpers it puts in run (see render-hooks.ts), never a search over the whole message:
 * - `{{openPixel}}` right after `<body…>`;
 * - every link that may lead to the web (a literal http(s) URL, or one holding a mustache) wrapped in
 *   `{{#trackedLink}}…{{/trackedLink}}`, except the unsubscribe and preference links;
 * - a footer with the unsubscribe link, the preference link and the company address, when the template
 *   does not use `{{unsubscribeUrl}}` itself.
 */
export const campaignHtmlPass: HtmlPass = {
  name: 'campaign-v1',
  apply: (html) => addFooter(wrapLinks(addPixel(html))),
};

/** `<a … href="…">`: the quote used and the value, whatever the other attributes are. */
const ANCHOR = /<a\b[^>]*>/gi;
const HREF = /(\shref\s*=\s*)(["'])([\s\S]*?)\2/i;
/** Links that are never tracked: the recipient's own opt-out links. */
const OWN_LINK = /^\s*\{\{\{?\s*(unsubscribeUrl|preferencesUrl)\s*\}?\}\}\s*$/;

export function wrapLinks(html: string): string {
  return html.replace(ANCHOR, (tag) =>
    tag.replace(HREF, (all, before: string, quote: string, value: string) =>
      mayBeWebLink(value) ? `${before}${quote}{{#trackedLink}}${value}{{/trackedLink}}${quote}` : all,
    ),
  );
}

function mayBeWebLink(value: string): boolean {
  if (OWN_LINK.test(value)) return false;
  if (value.includes('{{')) return true; // decided per recipient, once the URL is known
  return /^https?:\/\//i.test(decodeEntities(value).trim());
}

export function addPixel(html: string): string {
  const body = /<body\b[^>]*>/i.exec(html);
  if (!body) return `{{openPixel}}${html}`;
  const at = body.index + body[0].length;
  return `${html.slice(0, at)}{{openPixel}}${html.slice(at)}`;
}

/** Whether a mustache of the template reads `unsubscribeUrl` (then it carries the link itself). */
export function usesUnsubscribeUrl(html: string): boolean {
  return tokensOf(html).some((t) => t.kind !== 'comment' && /\bunsubscribeUrl\b/.test(t.source));
}

export const FOOTER =
  '<div style="margin:0 auto;max-width:600px;padding:24px 16px;text-align:center;font-family:Arial,Helvetica,sans-serif;' +
  'font-size:12px;line-height:1.5;color:#6b7280;">' +
  '<p style="margin:0 0 8px;"><a href="{{unsubscribeUrl}}" style="color:#6b7280;">Unsubscribe</a>' +
  '{{#if preferencesUrl}} · <a href="{{preferencesUrl}}" style="color:#6b7280;">Manage preferences</a>{{/if}}</p>' +
  '{{#if companyAddress}}<p style="margin:0;">{{companyAddress}}</p>{{/if}}</div>';

export function addFooter(html: string): string {
  if (usesUnsubscribeUrl(html)) return html;
  const end = html.search(/<\/body\s*>/i);
  return end < 0 ? html + FOOTER : `${html.slice(0, end)}${FOOTER}${html.slice(end)}`;
}
