// The "Visual" / "Code" switch of the template editor and the campaign content step (views/partials/
// visual-builder.hbs). Its own bundle (builder.js, GrapesJS and MJML's browser build: several MB), loaded by the
// builder pages only. The code editor's textarea stays what the form submits: the builder writes its MJML there
// (through the code editor, which previews it on the server), so saving goes through the same validation.
import type { Editor } from 'grapesjs';
import { builderMjml, compileInBrowser, createBuilder, finishEditing, loadMjml } from './builder-editor';
import { builderLimits } from './builder-mjml';
import { loadMediaLibrary } from './builder-media';
import './builder.css';

type Mode = 'visual' | 'code';
const MODE_KEY = 'mailcourier.editor-mode';
const SYNC_DEBOUNCE_MS = 300;

/** Two compiled mails are the same when their documents are (entities, whitespace, MJML's random ids aside). */
function sameMail(a: string, b: string): boolean {
  const normal = (html: string) =>
    new DOMParser()
      .parseFromString(html, 'text/html')
      .documentElement.outerHTML.replace(/mj-carousel-[0-9a-f]{16}/g, 'mj-carousel')
      .replace(/\s+/g, ' ')
      .replace(/> </g, '><');
  return normal(a) === normal(b);
}

function listItems(list: HTMLElement, lines: string[]): void {
  list.replaceChildren(
    ...lines.map((line) => {
      const li = document.createElement('li');
      li.textContent = line;
      return li;
    }),
  );
}

function mount(root: HTMLElement): void {
  const form = root.closest('form');
  const codeRoot = form?.querySelector<HTMLElement>('[data-mjml-editor]');
  const textarea = codeRoot?.querySelector<HTMLTextAreaElement>('textarea[name="mjml"]');
  const pane = root.querySelector<HTMLElement>('[data-builder-pane]');
  const canvas = root.querySelector<HTMLElement>('[data-builder-canvas]');
  const warning = root.querySelector<HTMLElement>('[data-builder-warning]');
  const losses = root.querySelector<HTMLElement>('[data-builder-losses]');
  const notes = root.querySelector<HTMLElement>('[data-builder-notes]');
  const status = root.querySelector<HTMLElement>('[data-builder-status]');
  if (!form || !codeRoot || !textarea || !pane || !canvas || !warning || !losses || !notes || !status) return;
  const modeButtons = [...root.querySelectorAll<HTMLButtonElement>('[data-mode]')];
  root.hidden = false;

  let editor: Editor | null = null;
  let mode: Mode = 'code';
  let timer: number | undefined;

  const listUrl = root.dataset.listUrl ?? '/admin/media.json';
  /** GrapesJS starts on the first switch to Visual. */
  const builder = (): Editor => {
    if (editor) return editor;
    const ed = createBuilder({
      container: canvas,
      uploadUrl: root.dataset.uploadUrl ?? '/admin/media',
      listUrl,
      csrfToken: document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '',
      status,
    });
    ed.on('update', () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(sync, SYNC_DEBOUNCE_MS);
    });
    ed.on('asset:open', () => void loadMediaLibrary(ed, listUrl));
    editor = ed;
    return ed;
  };

  /** The builder's MJML into the code editor (and so into the form and the server preview). */
  const sync = () => {
    if (!editor || mode !== 'visual') return;
    const mjml = builderMjml(editor);
    textarea.value = mjml;
    codeRoot.dispatchEvent(new CustomEvent('mjml-replace', { detail: mjml }));
  };

  const show = (next: Mode) => {
    mode = next;
    pane.hidden = next !== 'visual';
    codeRoot.hidden = next === 'visual';
    for (const b of modeButtons) b.setAttribute('aria-pressed', String(b.dataset.mode === next));
    try {
      localStorage.setItem(MODE_KEY, next);
    } catch {
      // private mode: the choice is not remembered
    }
  };

  const enterVisual = (force: boolean) => {
    const code = textarea.value;
    const limits = builderLimits(code);
    const ed = builder();
    loadMjml(ed, code);
    // What the builder would write, compiled, against the code compiled: a difference is something lost.
    const same = sameMail(compileInBrowser(ed, code), compileInBrowser(ed, ed.getHtml()));
    const lost = same ? [] : limits.filter((l) => l.lost).map((l) => l.what);
    if (!same && !lost.length)
      lost.push('Something in this code looks different once the builder has loaded it (compare the previews)');
    if (lost.length && !force) {
      listItems(losses, lost);
      warning.hidden = false;
      warning.querySelector<HTMLButtonElement>('[data-builder-stay]')?.focus();
      return;
    }
    warning.hidden = true;
    listItems(
      notes,
      limits.filter((l) => !l.lost).map((l) => l.what),
    );
    notes.hidden = !notes.childElementCount;
    show('visual');
    ed.refresh();
    sync();
  };

  const enterCode = async () => {
    if (editor) {
      await finishEditing(editor);
      sync();
    }
    warning.hidden = true;
    show('code');
  };

  for (const b of modeButtons)
    b.addEventListener('click', () => {
      if (b.dataset.mode === mode) return;
      if (b.dataset.mode === 'visual') enterVisual(false);
      else void enterCode();
    });
  root.querySelector('[data-builder-force]')?.addEventListener('click', () => enterVisual(true));
  root.querySelector('[data-builder-stay]')?.addEventListener('click', () => {
    warning.hidden = true;
    modeButtons.find((b) => b.dataset.mode === 'visual')?.focus();
  });

  wireToolbar(root, builder);

  // In visual mode the form submits the builder's MJML: text still being typed in place is finished first.
  form.addEventListener('submit', (e) => {
    if (mode !== 'visual' || !editor) return;
    if (!editor.getEditing()) return sync();
    e.preventDefault();
    void finishEditing(editor).then(() => {
      sync();
      form.submit();
    });
  });

  let remembered: string | null = null;
  try {
    remembered = localStorage.getItem(MODE_KEY);
  } catch {
    remembered = null;
  }
  if (remembered !== 'visual') return;
  // GrapesJS measures its canvas when it starts: in a hidden panel (the content step's "Use a template") it waits
  // until the builder is on screen.
  const shown = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    shown.disconnect();
    if (mode === 'code') enterVisual(false);
  });
  shown.observe(root);
}

/** Desktop / mobile preview, undo / redo, and the menu that inserts a Handlebars variable where the caret is. */
function wireToolbar(root: HTMLElement, builder: () => Editor): void {
  const widths = [...root.querySelectorAll<HTMLButtonElement>('[data-builder-device]')];
  for (const button of widths)
    button.addEventListener('click', () => {
      builder().runCommand(button.dataset.builderDevice === 'mobile' ? 'set-device-mobile' : 'set-device-desktop');
      for (const b of widths) b.setAttribute('aria-pressed', String(b === button));
    });
  root.querySelector('[data-builder-undo]')?.addEventListener('click', () => builder().UndoManager.undo());
  root.querySelector('[data-builder-redo]')?.addEventListener('click', () => builder().UndoManager.redo());

  const select = root.querySelector<HTMLSelectElement>('[data-builder-variable]');
  const status = root.querySelector<HTMLElement>('[data-builder-status]');
  // Patterns ("subscriber.attributes.*", "…") describe variables rather than name one: not insertable as they are.
  for (const option of select?.querySelectorAll('option') ?? []) if (/[*…]/.test(option.value)) option.remove();
  select?.addEventListener('change', () => {
    const token = select.value;
    select.value = '';
    if (!token) return;
    const editor = builder();
    const rte = editor.RichTextEditor.globalRte;
    if (editor.getEditing() && rte) {
      rte.insertHTML(token);
      if (status) status.textContent = `${token} inserted`;
    } else if (status) {
      status.textContent = 'Click into a text in the builder first, then choose the variable';
    }
  });
}

document.addEventListener('DOMContentLoaded', () => {
  for (const el of document.querySelectorAll<HTMLElement>('[data-visual-builder]')) mount(el);
});
