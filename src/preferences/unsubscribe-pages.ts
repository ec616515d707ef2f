import { escapeHtml, htmlList, htmlPage } from './pages/html';
import type { UnsubscribeOutcome } from './unsubscribe.service';

/**
 * GET /u/:token: what the button will do, and the button. The form has no action, so it posts to the very
 * URL the page came from. Fetching the page changes nothing: mail scanners follow links.
 * Below it, a second form asks for a preference-centre link by mail (the page itself never carries one).
 */
export function unsubscribePromptPage(outcome: UnsubscribeOutcome, token: string): string {
  return htmlPage(
    'Unsubscribe',
    `${listsText('Press the button to stop receiving mail from', outcome)}
<form method="post">
<button type="submit">Unsubscribe</button>
</form>
${preferencesLinkForm(`${token}/preferences-link`, 'You can also choose which mail you receive, see or download your data, or erase it.')}`,
  );
}

/** POST /u/:token, the first time and every time after. */
export function unsubscribedPage(outcome: UnsubscribeOutcome, token: string): string {
  return htmlPage(
    'You are unsubscribed',
    `${listsText('You will no longer receive mail from', outcome)}
<p class="muted">It takes effect at once. Mail already on its way cannot be called back.</p>
${preferencesLinkForm(`${token}/preferences-link`, 'Changed your mind, or want to leave other lists too?')}`,
    "You're unsubscribed",
  );
}

/** GET /u/:token/preferences, the `preferencesUrl` of campaign mail: the same request, on its own. */
export function preferencesRequestPage(): string {
  return htmlPage(
    'Manage your preferences',
    `<p>To keep your data safe, your preferences open only from a link we mail to you, valid for 7 days.</p>
${preferencesLinkForm('preferences-link', '')}`,
  );
}

/** POST /u/:token/preferences-link: the link went to the address on file, which is not shown. */
export function preferencesLinkSentPage(): string {
  return htmlPage(
    'Check your inbox',
    `<p>We sent a link to your preferences to the address this mail was sent to.</p>
<p class="muted">The link is valid for 7 days. If nothing arrives within a few minutes, look in your spam folder.</p>`,
  );
}

/** Any page of a test send's or a preview's links: it names nobody, so nothing happened. */
export function testMailPage(what: 'unsubscribe' | 'unsubscribed' | 'preferences'): string {
  const text =
    what === 'unsubscribe'
      ? '<p>This is a test mail: unsubscribing is not possible from it.</p><p class="muted">In the real mail, this link unsubscribes its recipient.</p>'
      : what === 'unsubscribed'
        ? '<p>This is a test mail: nobody was unsubscribed.</p><p class="muted">In the real mail, this link unsubscribes its recipient.</p>'
        : '<p>This is a test mail: its preferences link opens nobody’s preferences, and no link was sent.</p><p class="muted">In the real mail, this link lets its recipient ask for a link to their preferences.</p>';
  return htmlPage('This is a test mail', text);
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

/** `action` is relative to the page (from /u/TOKEN: `TOKEN/preferences-link`). */
function preferencesLinkForm(action: string, lead: string): string {
  return `<section style="margin-top:24px">
${lead ? `<p class="muted">${escapeHtml(lead)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<button type="submit">Email me a link to my preferences</button>
</form>
</section>`;
}
