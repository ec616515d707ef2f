// The in-place text toolbar's Link action. GrapesJS's own one wraps the selected words in `<a href="">` and leaves
// the address to be found in the Settings panel; this one asks for the address at once, in a small dialog, and
// also edits or removes the link the caret is in.
/** What an editor types, as the address put in the mail; null when it cannot be a link in a mail. */
export function linkAddress(typed: string): string | null {
  const s = typed.trim();
  // a variable the mail fills in, e.g. {{preferencesUrl}}
  if (/^\{\{\s*[\w.]+\s*\}\}$/.test(s)) return s;
  if (!s || /\s/.test(s)) return null;
  if (/^mailto:[^@]+@[^@]+$/i.test(s)) return s;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(s) ? s : `https://${s}`;
  try {
    const url = new URL(withScheme);
    // javascript:, data: and the like do nothing good in a mail; a relative address has no host to go to
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname.includes('.')) return null;
  } catch {
    return null;
  }
  return withScheme;
}

interface Rte {
  doc: Document;
  el: HTMLElement;
  selection(): Selection | null;
  insertHTML(html: string, opts?: { select?: boolean }): void;
  exec(command: string, value?: string): void;
}

const DIALOG_HTML = `<form class="builder-link-form">
  <h2 id="builder-link-title">Link</h2>
  <p class="hint" data-link-words></p>
  <label for="builder-link-url">Address (web page, mailto: or a variable such as {{preferencesUrl}})</label>
  <input id="builder-link-url" name="url" type="text" inputmode="url" autocomplete="url" spellcheck="false" />
  <p class="field-error" data-link-error role="alert" hidden>Type a web address such as https://example.com/page</p>
  <div class="builder-link-buttons">
    <button type="submit" class="primary" data-link-save>Add link</button>
    <button type="button" data-link-remove hidden>Remove link</button>
    <button type="button" data-link-cancel>Cancel</button>
  </div>
</form>`;

function dialog(): HTMLDialogElement {
  const existing = document.querySelector<HTMLDialogElement>('dialog.builder-link');
  if (existing) return existing;
  const el = document.createElement('dialog');
  el.className = 'builder-link';
  el.setAttribute('aria-labelledby', 'builder-link-title');
  el.innerHTML = DIALOG_HTML;
  // GrapesJS ends in-place editing at any mousedown in the page: a click in the dialog must leave the text open
  el.addEventListener('mousedown', (e) => e.stopPropagation());
  // outside the template's form: the dialog's own form must not submit the page's
  document.body.append(el);
  return el;
}

/** The link the selection is in (or covers), if any. */
function anchorAt(rte: Rte): HTMLAnchorElement | null {
  const node = rte.selection()?.anchorNode;
  const el = node instanceof Element ? node : node?.parentElement;
  const a = el?.closest('a');
  return a && rte.el.contains(a) ? a : null;
}

/** Asks for the address and links the selected words (or changes or removes the link they are in). */
function askForLink(rte: Rte, status: HTMLElement): void {
  const selection = rte.selection();
  const range = selection?.rangeCount ? selection.getRangeAt(0).cloneRange() : null;
  const anchor = anchorAt(rte);
  const el = dialog();
  const form = el.querySelector('form')!;
  const input = el.querySelector<HTMLInputElement>('input[name="url"]')!;
  const error = el.querySelector<HTMLElement>('[data-link-error]')!;
  const words = el.querySelector<HTMLElement>('[data-link-words]')!;
  const save = el.querySelector<HTMLButtonElement>('[data-link-save]')!;
  const remove = el.querySelector<HTMLButtonElement>('[data-link-remove]')!;
  const text = anchor?.textContent ?? range?.toString() ?? '';
  words.textContent = text ? `Words: “${text}”` : 'No words are selected: the address itself becomes the link.';
  input.value = anchor?.getAttribute('href') ?? '';
  error.hidden = true;
  input.removeAttribute('aria-invalid');
  save.textContent = anchor ? 'Change link' : 'Add link';
  remove.hidden = !anchor;

  /** Back into the text, with the words selected again, so that the change lands where they are. */
  const restore = () => {
    rte.el.focus();
    const sel = rte.selection();
    if (!sel) return;
    sel.removeAllRanges();
    if (anchor?.isConnected) {
      const r = rte.doc.createRange();
      r.selectNodeContents(anchor);
      sel.addRange(r);
    } else if (range) sel.addRange(range);
  };
  const done = (message?: string) => {
    form.onsubmit = null;
    remove.onclick = null;
    el.close();
    if (message) status.textContent = message;
  };

  form.onsubmit = (e) => {
    e.preventDefault();
    const href = linkAddress(input.value);
    if (!href) {
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    done(`Link to ${href} ${anchor ? 'changed' : 'added'}`);
    restore();
    if (anchor) anchor.setAttribute('href', href);
    else if (!text) {
      const a = rte.doc.createElement('a');
      a.setAttribute('href', href);
      a.textContent = href;
      rte.insertHTML(a.outerHTML);
    } else rte.exec('createLink', href);
  };
  remove.onclick = () => {
    done('Link removed');
    restore();
    rte.exec('unlink');
  };
  el.onclose = () => {
    form.onsubmit = null;
    remove.onclick = null;
  };
  el.querySelector<HTMLButtonElement>('[data-link-cancel]')!.onclick = () => {
    done();
    restore();
  };
  el.showModal();
  input.focus();
}

/** The rich-text toolbar's actions, the Link one asking for its address. */
export function richTextActions(status: HTMLElement) {
  return [
    'bold',
    'italic',
    'underline',
    'strikethrough',
    {
      name: 'link',
      attributes: { title: 'Link', style: 'font-size:1.4rem;padding:0 4px 2px;' },
      result: (rte: Rte) => askForLink(rte, status),
    },
    'wrap',
  ];
}
