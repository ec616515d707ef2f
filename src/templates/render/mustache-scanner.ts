/**
 * Splits a Handlebars source into literal text and mustache tokens, following Handlebars' own lexer
 * for where a mustache starts and ends (escapes, comments, string literals). The renderer uses it to
 * move mustaches through MJML and html-to-text untouched; Handlebars.parse stays the judge of syntax.
 */
export type TokenKind =
  | 'value' // {{x}}, {{helper a b}}
  | 'raw' // {{{x}}}, {{&x}}: unescaped
  | 'open' // {{#x}}, {{^x}}
  | 'else' // {{else}}, {{else if x}}, {{^}}
  | 'close' // {{/x}}
  | 'comment' // {{! }} and {{!-- --}}
  | 'partial' // {{> x}}, {{#> x}}
  | 'decorator' // {{* x}}, {{#* x}}
  | 'rawBlock'; // {{{{x}}}}

export interface TextSegment {
  type: 'text';
  /** what Handlebars outputs for it: `\{{` already turned into `{{` */
  value: string;
}
export interface TokenSegment {
  type: 'token';
  kind: TokenKind;
  /** the mustache as written, braces included */
  source: string;
  /** offset of the first `{` in the scanned string */
  start: number;
}
export type Segment = TextSegment | TokenSegment;

export const BLOCK_KINDS: ReadonlySet<TokenKind> = new Set(['open', 'else', 'close']);

export function scanMustaches(src: string): Segment[] {
  const out: Segment[] = [];
  let text = '';
  let i = 0;
  while (i < src.length) {
    const j = src.indexOf('{{', i);
    if (j < 0) {
      text += src.slice(i);
      break;
    }
    const before = src.slice(i, j);
    if (before.endsWith('\\\\')) {
      text += before.slice(0, -1); // `\\{{`: a literal backslash, then a real mustache
    } else if (before.endsWith('\\')) {
      text += before.slice(0, -1) + '{{'; // `\{{`: literal braces
      i = j + 2;
      continue;
    } else {
      text += before;
    }
    const end = mustacheEnd(src, j);
    if (end < 0) {
      text += src.slice(j); // unterminated: Handlebars.parse reports it, we just keep the text
      break;
    }
    if (text) out.push({ type: 'text', value: text });
    text = '';
    const source = src.slice(j, end);
    out.push({ type: 'token', kind: kindOf(source), source, start: j });
    i = end;
  }
  if (text) out.push({ type: 'text', value: text });
  return out;
}

export function tokensOf(src: string): TokenSegment[] {
  return scanMustaches(src).filter((s): s is TokenSegment => s.type === 'token');
}

/** Offset just past the mustache that starts at `start`, or -1. */
function mustacheEnd(src: string, start: number): number {
  if (src.startsWith('{{{{', start)) return indexAfter(src, '}}}}', start + 4);
  const afterStrip = src[start + 2] === '~' ? start + 3 : start + 2;
  if (src.startsWith('!--', afterStrip)) {
    const close = /--~?\}\}/g;
    close.lastIndex = afterStrip + 3;
    const m = close.exec(src);
    return m ? m.index + m[0].length : -1;
  }
  if (src[afterStrip] === '!') return indexAfter(src, '}}', afterStrip + 1);
  const closing = src[afterStrip] === '{' ? '}}}' : '}}';
  let quote: string | null = null;
  for (let k = afterStrip; k < src.length; k++) {
    const c = src[k];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (src.startsWith(closing, k)) {
      return k + closing.length;
    } else if (c === '~' && src.startsWith(closing, k + 1)) {
      return k + 1 + closing.length;
    }
  }
  return -1;
}

function indexAfter(src: string, needle: string, from: number): number {
  const k = src.indexOf(needle, from);
  return k < 0 ? -1 : k + needle.length;
}

function kindOf(source: string): TokenKind {
  if (source.startsWith('{{{{')) return 'rawBlock';
  const body = source.replace(/^\{\{~?/, '');
  if (body.startsWith('!')) return 'comment';
  if (body.startsWith('{') || body.startsWith('&')) return 'raw';
  if (body.startsWith('#>') || body.startsWith('>')) return 'partial';
  if (body.startsWith('#*') || body.startsWith('*')) return 'decorator';
  if (body.startsWith('#')) return 'open';
  if (body.startsWith('/')) return 'close';
  if (/^\^\s*~?\}\}$/.test(body)) return 'else';
  if (body.startsWith('^')) return 'open';
  if (/^\s*else(\s|~?\}\})/.test(body)) return 'else';
  return 'value';
}
