// <div data-mjml-editor data-preview-url=… data-kind=… data-slug=…>: replaces the MJML textarea with
// CodeMirror 6 (XML highlighting, line numbers) and keeps the textarea's value in step, so the form still
// submits it. Every change (debounced 400 ms) POSTs the MJML to the preview URL and puts the answer in the
// iframe; MJML's findings become lint diagnostics at their line and a list under the editor.
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { xml } from '@codemirror/lang-xml';
import {
  bracketMatching,
  defaultHighlightStyle,
  foldGutter,
  foldKeymap,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language';
import { Diagnostic, lintGutter, lintKeymap, setDiagnostics } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { countOf } from '../format';
import { csrfToken } from './csrf';

interface Problem {
  field: string;
  line: number | null;
  message: string;
  label: string;
}

interface PreviewAnswer {
  subject: string;
  html: string;
  errors: Problem[];
  /** what the service will add to every mail of this template (campaigns), or null */
  footerNotice?: string | null;
}

const DEBOUNCE_MS = 400;

/** CodeMirror's usual setup, from its packages: line numbers, history, folding, XML highlighting. */
const setup = [
  lineNumbers(),
  highlightActiveLineGutter(),
  highlightSpecialChars(),
  history(),
  foldGutter(),
  drawSelection(),
  indentOnInput(),
  syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
  bracketMatching(),
  closeBrackets(),
  highlightActiveLine(),
  EditorView.lineWrapping,
  // Tab indents inside the editor; Escape then Tab leaves it (CodeMirror's keyboard escape hatch).
  keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...foldKeymap, ...lintKeymap, indentWithTab]),
];

export function mountMjmlEditor(root: HTMLElement): EditorView | null {
  const textarea = root.querySelector<HTMLTextAreaElement>('textarea[name="mjml"]');
  const frame = root.querySelector<HTMLIFrameElement>('[data-editor-preview]');
  const list = root.querySelector<HTMLElement>('[data-editor-errors]');
  const status = root.querySelector<HTMLElement>('[data-editor-status]');
  const subjectOut = root.querySelector<HTMLElement>('[data-preview-subject]');
  const footerOut = root.querySelector<HTMLElement>('[data-footer-notice]');
  if (!textarea || !frame) return null;
  const subjectInput = root.dataset.subjectInput
    ? document.querySelector<HTMLInputElement>(root.dataset.subjectInput)
    : null;
  const readOnly = textarea.readOnly;

  let timer: number | undefined;
  let seq = 0;
  let controller: AbortController | null = null;

  const view = new EditorView({
    parent: textarea.parentElement!,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        setup,
        xml(),
        lintGutter(),
        EditorState.readOnly.of(readOnly),
        EditorView.editable.of(!readOnly),
        EditorView.contentAttributes.of({ 'aria-label': 'MJML', 'aria-describedby': list?.id ?? '' }),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          textarea.value = update.state.doc.toString();
          schedule();
        }),
      ],
    }),
  });
  textarea.hidden = true;
  textarea.setAttribute('aria-hidden', 'true');
  textarea.tabIndex = -1;
  // The label now names the editor: clicking it focuses the editor.
  const label = document.querySelector<HTMLLabelElement>(`label[for="${textarea.id}"]`);
  label?.addEventListener('click', (e) => {
    e.preventDefault();
    view.focus();
  });

  const showProblems = (problems: Problem[]) => {
    const doc = view.state.doc;
    const diagnostics: Diagnostic[] = problems
      .filter((p) => p.field === 'mjml')
      .map((p) => {
        const line = doc.line(Math.min(Math.max(p.line ?? 1, 1), doc.lines));
        return {
          from: line.from,
          to: Math.max(line.to, line.from),
          severity: 'error',
          message: p.message,
          source: 'MJML',
        };
      });
    view.dispatch(setDiagnostics(view.state, diagnostics));
    if (list) {
      list.replaceChildren(
        ...problems.map((p) => {
          const li = document.createElement('li');
          li.textContent = p.label;
          return li;
        }),
      );
    }
    if (status)
      status.textContent = problems.length ? `${countOf(problems.length, 'problem')} found` : 'No problems found';
  };

  const refresh = async () => {
    if (!root.dataset.previewUrl) return; // a viewer: the server's preview stays
    const mjml = view.state.doc.toString();
    if (!mjml.trim()) {
      frame.srcdoc = '';
      showProblems([{ field: 'mjml', line: 1, message: 'The MJML is empty', label: 'MJML: the MJML is empty' }]);
      return;
    }
    const mine = ++seq;
    controller?.abort();
    controller = new AbortController();
    try {
      const res = await fetch(root.dataset.previewUrl, {
        method: 'POST',
        credentials: 'same-origin',
        signal: controller.signal,
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrfToken() },
        body: JSON.stringify({
          mjml,
          subject: subjectInput ? subjectInput.value : (root.dataset.subject ?? ''),
          kind: root.dataset.kind || undefined,
          slug: root.dataset.slug || undefined,
        }),
      });
      if (mine !== seq) return;
      if (!res.ok) {
        // A 4xx names what is wrong (a render limit, a body too large): show it.
        const reason =
          res.status < 500 ? ((await res.json().catch(() => null)) as { message?: unknown } | null)?.message : null;
        if (mine !== seq) return;
        if (status)
          status.textContent = `The preview could not be updated: ${typeof reason === 'string' ? reason : `HTTP ${res.status}`}`;
        return;
      }
      const answer = (await res.json()) as PreviewAnswer;
      if (mine !== seq) return;
      frame.srcdoc = answer.html;
      if (subjectOut) subjectOut.textContent = answer.subject;
      if (footerOut) {
        footerOut.textContent = answer.footerNotice ?? '';
        footerOut.hidden = !answer.footerNotice;
      }
      showProblems(answer.errors);
      root.dispatchEvent(new CustomEvent('mjml-preview', { detail: answer }));
    } catch (err) {
      if ((err as Error).name !== 'AbortError' && status) status.textContent = 'The preview could not be updated';
    }
  };

  function schedule(): void {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void refresh(), DEBOUNCE_MS);
  }

  // The visual builder (builder.ts, its own bundle) hands over its MJML: it becomes the document, as if typed.
  root.addEventListener('mjml-replace', (e) => {
    const mjml = (e as CustomEvent<string>).detail;
    if (mjml !== view.state.doc.toString())
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: mjml } });
  });

  subjectInput?.addEventListener('input', schedule);
  // The slug decides the sample data (a built-in's) and the kind the variables: preview again on change.
  const slugInput = document.querySelector<HTMLInputElement>('input[name="slug"]');
  const kindSelect = document.querySelector<HTMLSelectElement>('select[name="kind"]');
  slugInput?.addEventListener('change', () => {
    root.dataset.slug = slugInput.value.trim();
    schedule();
  });
  kindSelect?.addEventListener('change', () => {
    root.dataset.kind = kindSelect.value;
    schedule();
  });

  const toggle = root.querySelector<HTMLElement>('[data-width-toggle]');
  if (toggle) {
    toggle.hidden = false;
    for (const button of toggle.querySelectorAll<HTMLButtonElement>('[data-width]')) {
      button.addEventListener('click', () => {
        const mobile = button.dataset.width === 'mobile';
        frame.classList.toggle('mobile', mobile);
        for (const b of toggle.querySelectorAll<HTMLButtonElement>('[data-width]'))
          b.setAttribute('aria-pressed', String(b === button));
      });
    }
  }

  // The server rendered the first preview; the diagnostics need the editor, so ask once now.
  void refresh();
  return view;
}

document.addEventListener('DOMContentLoaded', () => {
  for (const el of document.querySelectorAll<HTMLElement>('[data-mjml-editor]')) mountMjmlEditor(el);
});
