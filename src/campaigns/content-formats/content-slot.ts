/**
 * A layout's content slot: where the HTML of a Markdown or rich-text campaign goes. Two forms:
 * - `{{{content}}}` inside an `<mj-text>`: the HTML takes its place (the layout chooses the section, colours, padding);
 * - `<!-- content -->` (or `<!-- content: a note -->`) … `<!-- /content -->` around whole sections inside `<mj-body>` (what the built-in newsletter
 *   uses, so that on its own it still shows its sample sections): they are replaced by one white section whose
 *   `<mj-text>` holds the HTML.
 */
const PLACEHOLDER = /\{\{\{\s*content\s*\}\}\}/g;
/** `<!-- content -->` or `<!-- content: a note -->`, up to `<!-- /content -->` */
const REGION = /<!--\s*content\b[\s\S]*?-->[\s\S]*?<!--\s*\/content\s*-->/;

export const CONTENT_SLOT_HELP =
  'a {{{content}}} placeholder inside an <mj-text>, or <!-- content --> … <!-- /content --> around sections';

export function hasContentSlot(mjml: string): boolean {
  return new RegExp(PLACEHOLDER.source).test(mjml) || REGION.test(mjml);
}

/** The layout with `html` in its slot; null when it has none. Functions as replacements: `$&` in the HTML stays text. */
export function fillContentSlot(mjml: string, html: string): string | null {
  if (new RegExp(PLACEHOLDER.source).test(mjml)) return mjml.replace(PLACEHOLDER, () => html);
  if (REGION.test(mjml)) return mjml.replace(REGION, () => contentSection(html));
  return null;
}

function contentSection(html: string): string {
  return (
    '<mj-section background-color="#ffffff" border-radius="10px" padding="32px 0">' +
    `<mj-column><mj-text css-class="written-content">${html}</mj-text></mj-column></mj-section>`
  );
}
