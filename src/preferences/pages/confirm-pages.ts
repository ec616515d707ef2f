import { htmlList, htmlPage } from './html';

/**
 * GET /confirm/:token: names the lists and offers one button. The form has no action, so it posts
 * to the very URL the page was fetched from (also behind a proxy that adds a path prefix).
 * Fetching this page changes nothing: mail scanners follow links.
 */
export function confirmPromptPage(listNames: string[]): string {
  return htmlPage(
    'Confirm your subscription',
    `<p>Please confirm that you want to receive mail from:</p>
${htmlList(listNames)}
<form method="post">
<button type="submit">Yes, subscribe me</button>
</form>
<p class="muted">If you did not ask for this, close this page: you will not be subscribed.</p>`,
  );
}

/** POST /confirm/:token, the first time and every time after. */
export function confirmedPage(listNames: string[]): string {
  return htmlPage(
    'Subscription confirmed',
    `<p>Thank you. Your subscription is confirmed for:</p>
${htmlList(listNames)}
<p class="muted">Every message we send has a link to unsubscribe at any time.</p>`,
    "You're subscribed",
  );
}

/** Any token that is not valid, whatever the reason: no detail is given away. */
export function invalidLinkPage(): string {
  return htmlPage(
    'This link is invalid or has expired',
    `<p>This confirmation link cannot be used. It may have expired, or it was copied incompletely.</p>
<p class="muted">To subscribe, please sign up again.</p>`,
  );
}

/** A real link, but the person unsubscribed after it was mailed: it no longer subscribes anyone. */
export function staleLinkPage(): string {
  return htmlPage(
    'This link is no longer valid',
    `<p>You unsubscribed after this confirmation link was sent, so it no longer subscribes you. Nothing was changed.</p>
<p class="muted">To subscribe again, please sign up on our site: you will get a new confirmation mail.</p>`,
  );
}
