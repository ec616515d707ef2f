import { HtmlPass } from '../templates/render/renderer.service';
import { decodeEntities } from '../templates/render/render-hooks';

/**
 * The once-per-version pass that prepares a campaign's HTML template for personalisation; per recipient
 * only the helpers it puts in run (see render-hooks.ts), never a search over the whole message:
 * - `{{openPixel}}` right after `<body…>`;
 * - every link that may lead to the web (a literal http(s) URL, or one holding a mustache) wrapped in
 *   `{{#trackedLink}}…{{/trackedLink}}`, except the unsubscribe and preference links.
 * The legal footer is not added here but per message, after the fill (legal-footer.ts): only the rendered
 * message shows whether the template really printed the unsubscribe link and the address.
 */
export const campaignHtmlPass: HtmlPass = {
  name: 'campaign-v2',
  apply: (html) => wrapLinks(addPixel(html)),
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
