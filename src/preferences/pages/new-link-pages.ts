import { escapeHtml, htmlPage } from './html';

/**
 * The form that asks for a new preferences link by mail (POST /preferences-link). `action` is relative to the
 * page showing it, so the pages also work behind a path prefix.
 */
export function newLinkForm(action: string, typed = '', invalid = false): string {
  return `<form method="post" action="${escapeHtml(action)}" novalidate>
<label for="new-link-email" style="display:block;font-size:14px;color:#3e4c59">Your email address</label>
<input id="new-link-email" type="email" name="email" value="${escapeHtml(typed)}" required maxlength="320" autocomplete="email"
  style="display:block;width:100%;box-sizing:border-box;margin:4px 0 12px;padding:9px 10px;font-size:15px;border:1px solid #cbd2d9;border-radius:6px"${invalid ? ' aria-invalid="true" aria-describedby="new-link-error"' : ''}>
${invalid ? `<p id="new-link-error" role="alert" style="color:#a61b1b;font-size:14px;margin:-6px 0 12px">${escapeHtml(typed.trim() ? `“${typed.trim().slice(0, 100)}” is not an email address: write it like reader@example.com` : 'Type your email address')}</p>` : ''}
<button type="submit">Email me a new link</button>
</form>`;
}

/** The form on its own, shown again when what was typed is not an address. */
export function newLinkFormPage(typed: string, invalid: boolean): string {
  return htmlPage(
    'Ask for a new link',
    `<p>We mail a link to your preferences to your address; it is valid for 7 days.</p>\n${newLinkForm('preferences-link', typed, invalid)}`,
  );
}

/** The same answer whether or not the address is known. */
export function newLinkAskedPage(email: string): string {
  return htmlPage(
    'Check your inbox',
    `<p>If <strong>${escapeHtml(email)}</strong> is on our lists, a link to its preferences is on its way.</p>
<p class="muted">The link is valid for 7 days. If nothing arrives within a few minutes, look in your spam folder.</p>`,
  );
}
