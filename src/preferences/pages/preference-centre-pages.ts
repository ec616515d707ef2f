import type { SubscriptionStatus } from '../../subscribers/subscription.repository';
import { ATTRIBUTE_FIELD, inputValue, isEditable } from '../preference-centre-form';
import { PreferenceView } from '../preference-centre.service';
import { humaniseKey } from '../../common/humanise-key';
import { escapeHtml, htmlPage } from './html';
import { newLinkForm } from './new-link-pages';

/**
 * The preference centre's pages. No script, no cookie: every form posts to a URL under /p/TOKEN, and
 * links are relative (TOKEN/export from /p/TOKEN), so the pages also work behind a path prefix.
 * Everything a subscriber typed, and every list name, is escaped.
 */
const STYLE = `<style>
  main { max-width: 560px; }
  fieldset { border: 1px solid #e4e7eb; border-radius: 8px; margin: 0 0 20px; padding: 16px 20px; }
  legend { font-weight: 600; padding: 0 6px; }
  label.field { display: block; margin: 0 0 12px; font-size: 14px; color: #3e4c59; }
  label.field input { display: block; width: 100%; box-sizing: border-box; margin-top: 4px; padding: 9px 10px; font-size: 15px; border: 1px solid #cbd2d9; border-radius: 6px; }
  label.check { display: flex; gap: 10px; align-items: flex-start; margin: 0 0 10px; }
  label.check input { margin-top: 5px; }
  dl.value { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 4px 0 12px; font-size: 14px; }
  dl.value dt { color: #3e4c59; }
  dl.value dd { margin: 0; overflow-wrap: anywhere; }
  ul.value { margin: 4px 0 12px; font-size: 14px; }
  .notice { background: #e3f9e5; border-radius: 6px; padding: 10px 14px; }
  .errors { background: #ffe3e3; border-radius: 6px; padding: 10px 14px; }
  .secondary { background: #fff; color: #1f2933; border: 1px solid #cbd2d9; }
  .secondary:hover, .secondary:focus { background: #f4f5f7; }
  .danger { background: #c81e1e; }
  .danger:hover, .danger:focus { background: #a61b1b; }
  section { border-top: 1px solid #e4e7eb; margin-top: 24px; padding-top: 16px; }
  h2 { font-size: 17px; margin: 0 0 8px; }
  a { color: #2563eb; }
</style>`;

export interface PageNotes {
  notice?: string;
  errors?: string[];
}

export function preferenceCentrePage(view: PreferenceView, token: string, notes: PageNotes = {}): string {
  const s = view.subscriber;
  const here = escapeHtml(token);
  // Only the attributes an admin marked editable, under their labels; the rest is in the download.
  const details = view.attributes
    .map(({ key, label, value }) =>
      isEditable(value)
        ? `<label class="field">${escapeHtml(label)}<input type="text" name="${escapeHtml(ATTRIBUTE_FIELD + key)}" value="${escapeHtml(inputValue(value))}" maxlength="2000"></label>`
        : `<div class="field"><span class="muted">${escapeHtml(label)} (write to us to change it)</span>${readableValue(value)}</div>`,
    )
    .join('\n');
  const blocked = s.status !== 'enabled';
  const lists = view.lists.length
    ? view.lists
        .map(
          ({
            list,
            status,
          }) => `<label class="check"><input type="checkbox" name="list" value="${escapeHtml(list.id)}"${status === 'confirmed' ? ' checked' : ''}${blocked && status !== 'confirmed' ? ' disabled' : ''}>
<span><strong>${escapeHtml(list.name)}</strong>${statusNote(status)}${list.description ? `<br><span class="muted">${escapeHtml(list.description)}</span>` : ''}</span></label>`,
        )
        .join('\n')
    : '<p class="muted">There are no lists to choose from.</p>';

  return htmlPage(
    'Your email preferences',
    `${STYLE}
${notes.notice ? `<p class="notice" role="status">${escapeHtml(notes.notice)}</p>` : ''}
${notes.errors?.length ? `<div class="errors" role="alert"><p>Nothing was saved:</p><ul>${notes.errors.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul></div>` : ''}
<p class="muted">Preferences for <strong>${escapeHtml(s.email)}</strong>.</p>
<form method="post" action="${here}">
<fieldset>
<legend>Your details</legend>
<label class="field">Name<input type="text" name="name" value="${escapeHtml(s.name)}" maxlength="200" autocomplete="name"></label>
${details}
<p class="muted">Everything else we hold about you is in the download below.</p>
</fieldset>
<fieldset>
<legend>What we send you</legend>
${lists}
</fieldset>
<fieldset>
<legend>Tracking</legend>
<label class="check"><input type="checkbox" name="tracking" value="on"${s.trackingEnabled ? ' checked' : ''}>
<span>Let us see when I open a message or click a link in it.<br><span class="muted">Turned off, our mail to you carries no tracking image and its links go straight to where they point.</span></span></label>
</fieldset>
<button type="submit">Save my preferences</button>
</form>
<section>
<h2>Unsubscribe from everything</h2>
<form method="post" action="${here}/unsubscribe-all"><button type="submit" class="secondary">Unsubscribe from all lists</button></form>
</section>
<section>
<h2>Your data</h2>
<p><a href="${here}/export">Download everything we hold about you</a> (a JSON file: your details, lists, consent records, the messages we sent you and their opens and clicks).</p>
<p><a href="${here}/erase">Erase everything we hold about you</a></p>
</section>`,
  );
}

/**
 * A structured attribute value (an address, survey answers) in words: its keys humanised ("zip_code" → "Zip code"),
 * never raw JSON. Nested values are shown the same way, a few levels deep.
 */
export function readableValue(value: unknown, depth = 0): string {
  if (value === null || value === undefined || value === '') return '<span class="muted">–</span>';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return escapeHtml(String(value));
  if (typeof value !== 'object' || depth > 3) return escapeHtml(JSON.stringify(value) ?? '');
  if (Array.isArray(value))
    return `<ul class="value">${value.map((v) => `<li>${readableValue(v, depth + 1)}</li>`).join('')}</ul>`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `<dl class="value">${entries.map(([k, v]) => `<dt>${escapeHtml(humaniseKey(k))}</dt><dd>${readableValue(v, depth + 1)}</dd>`).join('')}</dl>`;
}

function statusNote(status: SubscriptionStatus | null): string {
  if (status === 'unconfirmed') return ' <span class="muted">(not confirmed yet: tick and save to confirm)</span>';
  return '';
}

/** GET /p/TOKEN/erase: asks once more; the button POSTs to the same URL. */
export function erasePromptPage(token: string): string {
  return htmlPage(
    'Erase your data',
    `${STYLE}
<p>This deletes your details, your list memberships and your consent records, and removes your address and
name from the record of messages we sent you. It cannot be undone.</p>
<p class="muted">We keep only a one-way fingerprint of your address, so that an old list cannot add you back.
You will not get any more mail from us.</p>
<form method="post"><button type="submit" class="danger">Yes, erase my data</button></form>
<p><a href="../${escapeHtml(token)}">No, take me back</a></p>`,
  );
}

export function erasedPage(): string {
  return htmlPage(
    'Your data has been erased',
    `<p>Everything we held about you has been erased. You will not hear from us again.</p>
<p class="muted">You can close this page.</p>`,
  );
}

export function unsubscribedAllPage(token: string): string {
  return htmlPage(
    'You are unsubscribed',
    `<p>You have left all our lists and will get no more newsletters from us.</p>
<p class="muted">Messages about your orders still reach you.</p>
<p><a href="../${escapeHtml(token)}">Back to your preferences</a></p>`,
  );
}

/**
 * Any unusable token (expired, changed, erased person): a 404 page that gives nothing away, with the form that
 * asks for a new link. `depth`: how many path segments below /p/ the page is at (1 for /p/TOKEN, 2 for
 * /p/TOKEN/erase), for the form's relative action to reach /preferences-link.
 */
export function invalidPreferencesLinkPage(depth = 1): string {
  return htmlPage(
    'This link is invalid or has expired',
    `<p>This preferences link cannot be used. Links are valid for 7 days, and must be copied completely.</p>
<p class="muted">Ask for a new link with your email address below, or use the link at the bottom of our latest newsletter.</p>
${newLinkForm(`${'../'.repeat(depth)}preferences-link`)}`,
  );
}
