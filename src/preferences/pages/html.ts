import { BRAND_HEADER_SLOT, BRAND_STYLE_SLOT } from '../../common/html-page';

/** Small helpers for the recipient-facing pages and the plain HTML mails. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML element body or a quoted attribute value. */
export function escapeHtml(value: string | number | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * A whole page: inline CSS only, no script (helmet's CSP forbids inline scripts, and the pages must
 * work without JavaScript). `title` is escaped here; `body` and `heading` (the <h1>, by default the
 * title) are HTML whose dynamic parts the caller has already escaped. The brand (Settings) goes in its two
 * slots on the way out (settings/branded-pages.ts), so the pages themselves need not know it.
 */
export function htmlPage(title: string, body: string, heading = escapeHtml(title)): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>
  body { margin: 0; padding: 48px 16px; background: #f4f5f7; color: #1f2933; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  main { max-width: 480px; margin: 0 auto; background: #fff; border-radius: 8px; padding: 32px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  h1 { font-size: 22px; margin: 0 0 16px; }
  ul { padding-left: 20px; }
  button { background: #2563eb; color: #fff; border: 0; border-radius: 6px; padding: 12px 24px; font-size: 16px; cursor: pointer; }
  button:hover, button:focus { background: #1d4ed8; }
  .muted { color: #616e7c; font-size: 14px; }
</style>
${BRAND_STYLE_SLOT}
</head>
<body>
${BRAND_HEADER_SLOT}
<main>
<h1>${heading}</h1>
${body}
</main>
</body>
</html>
`;
}

/** `<ul>` of escaped items. */
export function htmlList(items: string[]): string {
  return `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
}
