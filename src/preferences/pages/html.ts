import { BRAND_HEADER_SLOT, BRAND_STYLE_SLOT } from '../../common/html-page';
import { TEXT_COLOUR } from '../../settings/brand';

/** Small helpers for the recipient-facing pages and the plain HTML mails. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML element body or a quoted attribute value. */
export function escapeHtml(value: string | number | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** How a reader-facing page differs from the default one (a link page nobody should find by search). */
export interface PageShell {
  /** the <h1>, HTML whose dynamic parts the caller escaped; by default the escaped title */
  heading?: string;
  /** extra rules for the page's <style> */
  css?: string;
  /** extra <head> elements (e.g. a feed link) */
  head?: string;
  /** true for public pages meant to be found (the archive); link pages carry noindex */
  indexable?: boolean;
}

const LINK_PAGE_CSS = `
  ul { padding-left: 20px; }
  button { background: #2563eb; color: #fff; border: 0; border-radius: 6px; padding: 12px 24px; font-size: 16px; cursor: pointer; }
  button:hover, button:focus { background: #1d4ed8; }`;

/**
 * A whole page: inline CSS only, no script (helmet's CSP forbids inline scripts, and the pages must
 * work without JavaScript). `title` is escaped here; `body` is HTML whose dynamic parts the caller has
 * already escaped. The brand (Settings) goes in its two slots on the way out (settings/branded-pages.ts),
 * so the pages themselves need not know it.
 */
export function readerPage(title: string, body: string, shell: PageShell = {}): string {
  const robots = shell.indexable ? '' : '\n<meta name="robots" content="noindex, nofollow">';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">${robots}
<title>${escapeHtml(title)}</title>${shell.head ? `\n${shell.head}` : ''}
<style>
  body { margin: 0; padding: 48px 16px; background: #f4f5f7; color: ${TEXT_COLOUR}; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  main { max-width: 480px; margin: 0 auto; background: #fff; border-radius: 8px; padding: 32px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  h1 { font-size: 22px; margin: 0 0 16px; }
  .muted { color: #616e7c; font-size: 14px; }${shell.css ?? ''}
</style>
${BRAND_STYLE_SLOT}
</head>
<body>
${BRAND_HEADER_SLOT}
<main>
<h1>${shell.heading ?? escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

/** A reader's link page (unsubscribe, preferences, confirm): not indexed, with buttons. */
export function htmlPage(title: string, body: string, heading = escapeHtml(title)): string {
  return readerPage(title, body, { heading, css: LINK_PAGE_CSS });
}

/** `<ul>` of escaped items. */
export function htmlList(items: string[]): string {
  return `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
}
