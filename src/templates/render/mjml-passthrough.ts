import { TokenSegment, tokensOf } from './mustache-scanner';

/**
 * MJML keeps the content of "ending tags" (mj-text, mj-table, mj-button…) and attribute values as
 * written, so Handlebars expressions there pass through. Text between structural tags (a `{{#each}}`
 * around an mj-section, an `{{#if}}` around an mj-text inside mj-column) is silently dropped.
 * `protectStructuralMustaches` wraps each such mustache in `<mj-raw>`, which MJML emits verbatim at
 * that place (closing and reopening its Outlook table glue around it), on the same line so MJML's
 * line numbers still match the editor's source.
 */
const ENDING_TAGS = new Set([
  'mj-text',
  'mj-button',
  'mj-table',
  'mj-raw',
  'mj-navbar-link',
  'mj-accordion-title',
  'mj-accordion-text',
  'mj-social-element',
  'mj-carousel-image',
  'mj-style',
  'mj-title',
  'mj-preview',
  'mj-breakpoint',
]);

export function protectStructuralMustaches(mjml: string): string {
  const tokens = tokensOf(mjml);
  if (!tokens.length) return mjml;
  const structural = new Set(structuralTokens(mjml, tokens));
  if (!structural.size) return mjml;
  let out = '';
  let at = 0;
  for (const t of tokens) {
    if (!structural.has(t)) continue;
    out += mjml.slice(at, t.start) + `<mj-raw>${t.source}</mj-raw>`;
    at = t.start + t.source.length;
  }
  return out + mjml.slice(at);
}

/** Mustaches that sit between tags inside mj-body, outside any ending tag or tag markup. */
function structuralTokens(src: string, tokens: TokenSegment[]): TokenSegment[] {
  const found: TokenSegment[] = [];
  const tokenAt = new Map(tokens.map((t) => [t.start, t]));
  let inBody = false;
  let i = 0;
  while (i < src.length) {
    const token = tokenAt.get(i);
    if (token) {
      if (inBody) found.push(token);
      i += token.source.length;
      continue;
    }
    if (src.startsWith('<!--', i)) {
      const end = src.indexOf('-->', i + 4);
      i = end < 0 ? src.length : end + 3;
      continue;
    }
    const tag = /^<(\/?)([a-zA-Z][\w-]*)/.exec(src.slice(i, i + 64));
    if (!tag) {
      i++;
      continue;
    }
    const [, closing, rawName] = tag;
    const name = rawName.toLowerCase();
    const tagEnd = endOfTag(src, i, tokenAt);
    if (name === 'mj-body') inBody = !closing;
    if (!closing && ENDING_TAGS.has(name) && src[tagEnd - 2] !== '/') {
      // skip the raw content up to the matching close tag
      const close = src.toLowerCase().indexOf(`</${name}`, tagEnd);
      i = close < 0 ? src.length : close;
      continue;
    }
    i = tagEnd;
  }
  return found;
}

/** Offset just past the `>` closing the tag at `start`, skipping quoted values and mustaches. */
function endOfTag(src: string, start: number, tokenAt: Map<number, TokenSegment>): number {
  let quote: string | null = null;
  for (let k = start + 1; k < src.length; k++) {
    const token = tokenAt.get(k);
    if (token) {
      k += token.source.length - 1;
      continue;
    }
    const c = src[k];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return k + 1;
    }
  }
  return src.length;
}
