import Handlebars, { HelperOptions } from 'handlebars';

/**
 * Per-recipient hooks a sender passes to RendererService.fill. They reach the two internal helpers below
 * through Handlebars' `@data` frame, never through the template's data, so a template cannot forge them.
 * A pass over a version's HTML (TemplateSource.htmlPass) puts the helpers in once per version; without
 * hooks they change nothing, so the same compiled version serves recipients with tracking on and off.
 */
export interface RenderHooks {
  /** the URL to put in place of a link's URL (a click-tracking URL), or the URL itself to leave it */
  link?: (url: string) => string;
  /** the URL of the open pixel; without it no pixel is written */
  openPixel?: () => string;
}

/** What fill puts in the `@data` frame: the hooks, and whether the part being filled is the HTML one. */
export interface HookFrame {
  hooks?: RenderHooks;
  html: boolean;
}

/** `{{#trackedLink}}URL{{/trackedLink}}`: the URL (filled per recipient, mustaches and all) through `hooks.link`. */
export function trackedLink(this: unknown, options: HelperOptions): string {
  const inner = options.fn(this);
  const frame = options.data as Partial<HookFrame> | undefined;
  const link = frame?.hooks?.link;
  if (!link) return inner;
  if (!frame.html) return link(inner);
  // In the HTML part the URL is attribute text: entities decoded for the hook, its answer escaped again.
  const url = decodeEntities(inner);
  const out = link(url);
  return out === url ? inner : Handlebars.escapeExpression(out);
}

/** `{{openPixel}}`: a 1×1 image with `hooks.openPixel()` as its source, in the HTML part only. */
export function openPixel(options: HelperOptions): Handlebars.SafeString | string {
  const frame = options?.data as Partial<HookFrame> | undefined;
  const url = frame?.html ? frame.hooks?.openPixel?.() : undefined;
  if (!url) return '';
  return new Handlebars.SafeString(
    `<img src="${Handlebars.escapeExpression(url)}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px;" />`,
  );
}

export const hookHelpers = { trackedLink, openPixel };
export const HOOK_HELPER_NAMES: ReadonlySet<string> = new Set(Object.keys(hookHelpers));

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** HTML character references in attribute text: the numeric ones and the few named ones a URL may hold. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (all, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref.toLowerCase()] ?? all;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
  });
}
