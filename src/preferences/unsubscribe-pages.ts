import { escapeHtml, htmlList, htmlPage } from './pages/html';
import type { UnsubscribeOutcome } from './unsubscribe.service';

/**
 * GET /u/:token: what the button will do, and the button. The form has no action, so it posts to the very
 * URL the page came from. Fetching the page changes nothing: mail scanners follow links.
 */
export function unsubscribePromptPage(outcome: UnsubscribeOutcome): string {
  return htmlPage(
    'Unsubscribe',
    `${listsText('Press the button to stop receiving mail from', outcome)}
<form method="post">
<button type="submit">Unsubscribe</button>
</form>
${preferencesLine(outcome, 'You can also choose which mail you receive')}`,
  );
}

/** POST /u/:token, the first time and every time after. */
export function unsubscribedPage(outcome: UnsubscribeOutcome): string {
  return htmlPage(
    'You are unsubscribed',
    `${listsText('You will no longer receive mail from', outcome)}
<p class="muted">It takes effect at once. Mail already on its way cannot be called back.</p>
${preferencesLine(outcome, 'Changed your mind, or want to leave other lists too?')}`,
    "You're unsubscribed",
  );
}

/** A forged, damaged or unusable token: no detail is given away. */
export function invalidUnsubscribeLinkPage(): string {
  return htmlPage(
    'This link is invalid',
    `<p>This unsubscribe link cannot be used. It may have been copied incompletely.</p>
<p class="muted">Please use the unsubscribe link at the bottom of one of our mails.</p>`,
  );
}

/** The lead-in, then the campaign's lists (names typed by editors, escaped), or all lists when it is gone. */
function listsText(lead: string, outcome: UnsubscribeOutcome): string {
  if (outcome.lists === 'all' || !outcome.lists.length) return `<p>${escapeHtml(lead)} all our mailing lists.</p>`;
  return `<p>${escapeHtml(lead)} these lists:</p>\n${htmlList(outcome.lists)}`;
}

function preferencesLine(outcome: UnsubscribeOutcome, text: string): string {
  if (!outcome.preferencesUrl) return '';
  return `<p class="muted">${escapeHtml(text)} <a href="${escapeHtml(outcome.preferencesUrl)}">Manage your preferences</a>.</p>`;
}
