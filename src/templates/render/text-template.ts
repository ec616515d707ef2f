import { compile } from 'html-to-text';
import { BLOCK_KINDS, scanMustaches, TokenSegment } from './mustache-scanner';

/**
 * The text part of a message is derived from its HTML. Rather than converting every recipient's HTML
 * (about 13 ms for the 190 KB HTML of a 40 KB MJML newsletter, against well under 0.1 ms to fill a
 * template), `deriveTextTemplate` converts the Handlebars HTML template once:
 * each mustache is swapped for an opaque sentinel that html-to-text carries through like a word,
 * then swapped back, giving a Handlebars *text* template. When that cannot be done faithfully
 * (a block helper lost inside an attribute, unescaped HTML `{{{x}}}` whose value would need
 * converting, stray sentinel characters) it answers null and the renderer converts per recipient.
 */
export const htmlToText = compile({
  wordwrap: false,
  formatters: {
    // Cells of a row read as one line, separated by spaces.
    cell(elem, walk, builder) {
      builder.addInline(' ');
      walk(elem.children, builder);
      builder.addInline(' ');
    },
    // An image reads as its alt text (a linked image becomes "alt [href]"), never as its URL.
    altText(elem, _walk, builder) {
      const alt = (elem.attribs as Record<string, string> | undefined)?.alt;
      if (alt) builder.addInline(alt);
    },
  },
  selectors: [
    // MJML's hidden preheader (mj-preview) is for the inbox list, not for the body.
    { selector: 'div[style^="display:none"]', format: 'skip' },
    { selector: 'img', format: 'altText' },
    { selector: 'tr', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'td', format: 'cell' },
    { selector: 'th', format: 'cell' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
  ],
});

/**
 * Per recipient, after the fill: blank-line runs left by skipped blocks collapse to one blank line, and
 * at each line-end mark (see deriveTextTemplate) the spaces an empty value left are removed. Cheap
 * searches only: the derived template itself is tidy.
 */
export function tidyText(text: string): string {
  if (text.includes(LINE_END)) text = stripLineEnds(text);
  if (text.includes('\n\n\n')) text = text.replace(/\n{3,}/g, '\n\n');
  return text.trim();
}

/** Removes each mark and the spaces or tabs just before it. */
function stripLineEnds(text: string): string {
  let out = '';
  let at = 0;
  for (let i = text.indexOf(LINE_END); i >= 0; i = text.indexOf(LINE_END, at)) {
    let end = i;
    while (end > at && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
    out += text.slice(at, end);
    at = i + 1;
  }
  return out + text.slice(at);
}

/** The once-per-version tidy of the converted template: also strips spaces before line ends. */
function tidyTemplateText(text: string): string {
  return text.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

const OPEN = '\uE000';
const CLOSE = '\uE001';
/**
 * Marks a line end right after mustaches: an empty value there would leave trailing spaces.
 * (A value holding this private-use character loses it, and the spaces before it, in the text part.)
 */
const LINE_END = '\uE002';
const SENTINEL = /\uE000(\d+)\uE001/g;
const LINE_END_TOKENS = /((?:\uE000\d+\uE001)+)(?=\n|$)/g;
const LEADING_BLOCKS = /(^|\n)((?:\uE000\d+\uE001)+)[ \t]+/g;

export function deriveTextTemplate(htmlTemplate: string): string | null {
  if ([OPEN, CLOSE, LINE_END].some((c) => htmlTemplate.includes(c))) return null;
  const tokens: TokenSegment[] = [];
  let doc = '';
  for (const seg of scanMustaches(htmlTemplate)) {
    if (seg.type === 'text') doc += seg.value;
    else if (seg.kind === 'raw') return null;
    else if (seg.kind !== 'comment') doc += `${OPEN}${tokens.push(seg) - 1}${CLOSE}`;
  }
  // A line that starts with block mustaches outputs nothing for them; the space html-to-text kept
  // after them would become the line's first character, where a per-recipient conversion has none.
  const isBlock = (m: RegExpMatchArray) => BLOCK_KINDS.has(tokens[Number(m[1])].kind);
  const text = tidyTemplateText(htmlToText(doc))
    .replace(LEADING_BLOCKS, (all, start: string, run: string) => ([...run.matchAll(SENTINEL)].every(isBlock) ? start + run : all))
    // Mark line ends after mustaches, except a lone block mustache: Handlebars drops that whole line.
    .replace(LINE_END_TOKENS, (run: string, _r: string, offset: number, whole: string) => {
      const line = whole.slice(whole.lastIndexOf('\n', offset) + 1, offset + run.length).trim();
      const alone = [...line.matchAll(SENTINEL)];
      return alone.length === 1 && alone[0][0] === line && isBlock(alone[0]) ? run : run + LINE_END;
    });

  let out = '';
  let at = 0;
  const kept: number[] = [];
  for (const m of text.matchAll(SENTINEL)) {
    const literal = escapeLiteral(text.slice(at, m.index), true);
    if (literal === null) return null;
    const index = Number(m[1]);
    out += literal + tokens[index].source;
    kept.push(index);
    at = m.index + m[0].length;
  }
  const tail = escapeLiteral(text.slice(at), false);
  if (tail === null || tail.includes(OPEN) || tail.includes(CLOSE)) return null;
  out += tail;
  return sameStructure(tokens, kept) ? out : null;
}

/**
 * html-to-text may drop a value (an alt or style attribute) or move it (a link's href comes after
 * its text), which is harmless as long as it stays inside the same blocks and branches. It may drop
 * a whole block with its content (one inside the hidden preheader); but a block that survives must
 * survive whole (open, else, close), once, in order.
 */
function sameStructure(tokens: TokenSegment[], kept: number[]): boolean {
  const group = blockGroups(tokens);
  const keptBlocks = kept.filter((i) => group.has(i));
  const keptGroups = new Set(keptBlocks.map((i) => group.get(i)));
  const expected = tokens.map((_, i) => i).filter((i) => keptGroups.has(group.get(i)));
  if (keptBlocks.join() !== expected.join()) return false;
  const original = new Map(scopes(tokens, tokens.map((_, i) => i)));
  return scopes(tokens, kept).every(([index, scope]) => scope === original.get(index));
}

/** Block token index → the index of the {{#open}} it belongs to. */
function blockGroups(tokens: TokenSegment[]): Map<number, number> {
  const groups = new Map<number, number>();
  const stack: number[] = [];
  tokens.forEach((t, i) => {
    if (t.kind === 'open') stack.push(i);
    if (!BLOCK_KINDS.has(t.kind)) return;
    groups.set(i, stack[stack.length - 1] ?? -1);
    if (t.kind === 'close') stack.pop();
  });
  return groups;
}

/** For each value token in `order`, the blocks and branches it sits in. */
function scopes(tokens: TokenSegment[], order: number[]): Array<[number, string]> {
  const stack: string[] = [];
  const list: Array<[number, string]> = [];
  for (const i of order) {
    const kind = tokens[i].kind;
    if (kind === 'open') stack.push(String(i));
    else if (kind === 'else') stack.push(`${stack.pop()}|${i}`);
    else if (kind === 'close') stack.pop();
    else list.push([i, stack.join('>')]);
  }
  return list;
}

/**
 * Literal text in a Handlebars template: `{{` must be written `\{{`. A literal that already holds
 * `\{{`, or ends in a backslash right before a mustache, has no exact spelling: give up (null).
 */
function escapeLiteral(s: string, beforeToken: boolean): string | null {
  if (s.includes('\\{{') || (beforeToken && s.endsWith('\\'))) return null;
  return s.replaceAll('{{', '\\{{');
}
