// MJML text as the visual builder needs it: what it can load, what it cannot express, and its output made
// readable again for the code view. Pure string work (no DOM), so the unit spec runs it in Node.

/**
 * Tags whose content is HTML, CSS or plain text: the formatter copies them as they are, and a Handlebars
 * block inside them is part of the text the builder edits.
 */
const VERBATIM = new Set([
  'mj-text',
  'mj-button',
  'mj-raw',
  'mj-style',
  'mj-table',
  'mj-title',
  'mj-preview',
  'mj-navbar-link',
  'mj-social-element',
  'mj-accordion-title',
  'mj-accordion-text',
  'mj-html-attribute',
]);

/** `<mj-x a="1" />`, attribute values quoted either way (a `>` or `/` inside a value does not end the tag). */
const SELF_CLOSING = /<(mj-[\w-]+)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*\/>/g;

/** One MJML tag, opening, closing or self-closing, or an XML comment. */
const TOKEN =
  /<!--[\s\S]*?-->|<(\/?)(mjml|mj-[\w-]+)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*(\/?)>/g;

/**
 * GrapesJS reads MJML with the browser's HTML parser, which knows no self-closing custom tags: `<mj-divider />`
 * would swallow every sibling after it. Written out as a pair, each tag keeps its place.
 */
export function expandSelfClosing(mjml: string): string {
  return mjml.replace(SELF_CLOSING, '<$1$2></$1>');
}

/**
 * The builder writes its MJML on one line. This puts each structural tag on a line of its own, indented by depth;
 * the content of text-like tags (mj-text, mj-button, mj-raw, ...) is copied unchanged, and an empty pair becomes
 * a self-closing tag again.
 */
export function formatMjml(mjml: string): string {
  const lines: string[] = [];
  const push = (depth: number, text: string) => lines.push(`${'  '.repeat(Math.max(depth, 0))}${text}`);
  const tokens = [...mjml.matchAll(TOKEN)];
  let depth = 0;
  let at = 0; // how far the source has been written out
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const start = token.index;
    if (start < at) continue; // inside a verbatim tag already written
    const between = mjml.slice(at, start).trim();
    if (between) push(depth, between);
    const [whole, closing, name, attrs, selfClosing] = token;
    at = start + whole.length;
    if (!name) {
      push(depth, whole); // a comment
    } else if (closing) {
      push(--depth, whole);
    } else if (selfClosing) {
      push(depth, whole);
    } else if (VERBATIM.has(name)) {
      const end = mjml.indexOf(`</${name}>`, at);
      const stop = end < 0 ? mjml.length : end + name.length + 3;
      // an empty one (mj-text in mj-attributes) is written self-closing, as people write it
      push(depth, end === at ? `<${name}${attrs} />` : mjml.slice(start, stop));
      at = stop;
    } else {
      const next = tokens[i + 1];
      if (next && next[1] === '/' && next[2] === name && !mjml.slice(at, next.index).trim()) {
        push(depth, `<${name}${attrs} />`);
        at = next.index + next[0].length;
        i++;
      } else {
        push(depth++, whole);
      }
    }
  }
  const rest = mjml.slice(at).trim();
  if (rest) push(depth, rest);
  return `${lines.join('\n')}\n`;
}

/** Handlebars block tags: `{{#if …}}`, `{{/each}}`, `{{else}}`, `{{^…}}`. */
const HANDLEBARS_BLOCK = /\{\{~?\s*(?:[#^/]|else\b)/;

/** The parts of `mjml` outside text-like tags: where structure lives. */
function structureOnly(mjml: string): string {
  let out = mjml.replace(/<!--[\s\S]*?-->/g, '');
  for (const name of VERBATIM) out = out.replace(new RegExp(`<${name}\\b[\\s\\S]*?</${name}>`, 'g'), '');
  return out;
}

/**
 * What the code holds that the builder cannot show or edit, in the editor's words. Each entry is either lost
 * on the way into the builder (`lost: true`) or kept as it is but only editable in the code view.
 */
export interface BuilderLimit {
  what: string;
  lost: boolean;
}

export function builderLimits(mjml: string): BuilderLimit[] {
  const limits: BuilderLimit[] = [];
  const structure = structureOnly(mjml);
  if (/<mj-table\b/.test(mjml))
    limits.push({ what: 'Tables (mj-table): the builder has no table block and drops their rows', lost: true });
  if (HANDLEBARS_BLOCK.test(structure))
    limits.push({
      what: 'Handlebars blocks between MJML tags ({{#if}}, {{#each}} around sections): kept, but the builder does not show them, and moving a section out of one changes who sees it',
      lost: false,
    });
  if (/<mj-include\b/.test(mjml))
    limits.push({ what: 'mj-include: the builder does not read included files', lost: true });
  if (/<mj-raw\b/.test(mjml))
    limits.push({ what: 'Raw HTML (mj-raw): kept and shown, edited only in code', lost: false });
  if (/<mj-attributes\b|\bmj-class=/.test(mjml))
    limits.push({
      what: 'Default attributes and classes (mj-attributes, mj-class): kept and applied, edited only in code',
      lost: false,
    });
  if (/<mj-(?:style|font|breakpoint|html-attributes)\b/.test(mjml))
    limits.push({
      what: 'Head settings (mj-style, mj-font, mj-breakpoint, mj-html-attributes): kept, edited only in code',
      lost: false,
    });
  if (/<mj-(?:carousel|accordion)\b/.test(mjml))
    limits.push({ what: 'Carousels and accordions: kept, edited only in code', lost: false });
  return limits;
}
