import { TokenSegment } from './mustache-scanner';

/**
 * How many mustaches a template source may hold and how deep they may nest. Handlebars' compiler takes
 * time that grows faster than either (20,000 `{{name}}` took 4 s to compile, the derived text part 6 s
 * more; 1,000 nested {{#if}} over a second; 3,000 overflowed the stack after 15 s), and it runs on what
 * an editor types, for every preview. So a source past these is refused before Handlebars sees it.
 * Real templates are far below: a 40 KB newsletter holds about 150 mustaches nested a few levels.
 */
export const MAX_MUSTACHES = 2_000;
export const MAX_BLOCK_DEPTH = 50;
export const MAX_SUBEXPRESSION_DEPTH = 20;

/** What makes `tokens` too costly to compile, as a message and the offset of the token where it shows, or null. */
export function complexityProblem(tokens: readonly TokenSegment[]): { message: string; start: number } | null {
  const counted = tokens.filter((t) => t.kind !== 'comment');
  if (counted.length > MAX_MUSTACHES) {
    return { message: `Handlebars: more than ${MAX_MUSTACHES} {{…}} expressions (${counted.length})`, start: counted[MAX_MUSTACHES].start };
  }
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'open') depth++;
    else if (token.kind === 'close') depth = Math.max(0, depth - 1);
    if (depth > MAX_BLOCK_DEPTH) return { message: `Handlebars: blocks are nested more than ${MAX_BLOCK_DEPTH} levels deep`, start: token.start };
    if (parenthesesDepth(token.source) > MAX_SUBEXPRESSION_DEPTH) {
      return { message: `Handlebars: subexpressions are nested more than ${MAX_SUBEXPRESSION_DEPTH} levels deep`, start: token.start };
    }
  }
  return null;
}

/** The deepest run of `(` in a mustache, outside string literals. */
function parenthesesDepth(source: string): number {
  let depth = 0;
  let deepest = 0;
  let quote: string | null = null;
  for (const c of source) {
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '(') {
      deepest = Math.max(deepest, ++depth);
    } else if (c === ')') {
      depth = Math.max(0, depth - 1);
    }
  }
  return deepest;
}
