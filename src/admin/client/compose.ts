// The campaign content step's Markdown and rich-text panels, in a bundle of its own (build.mjs) that only that page
// loads. The layout choice follows the chosen format, and the rich-text textarea becomes a Tiptap editor (headless:
// the toolbar is ours, real labelled buttons; its schema holds only what the server's sanitiser keeps, so what an
// editor sees is what is sent). Without script the textarea takes HTML.
import { Editor } from '@tiptap/core';
import Image from '@tiptap/extension-image';
import StarterKit from '@tiptap/starter-kit';
import { csrfToken } from './csrf';

const WRITTEN = ['markdown', 'richtext'];
const DEBOUNCE_MS = 400;
const LINK = /^(?:https?:\/\/|mailto:)/i;
const VARIABLE = /^\{\{\s*[A-Za-z_$][\w$-]*(?:\.[\w$-]+)*\s*\}\}$/;

/** The layout card follows the chosen format, and its preview follows the text (debounced) and the layout. */
function wireLayoutAndPreview(form: HTMLFormElement): void {
  const panel = form.querySelector<HTMLElement>('[data-compose-layout]');
  if (!panel) return;
  const frame = panel.querySelector<HTMLIFrameElement>('[data-compose-preview]');
  const status = panel.querySelector<HTMLElement>('[data-compose-preview-status]');
  const chosen = () => form.querySelector<HTMLInputElement>('input[name="source"]:checked')?.value ?? '';
  let timer = 0;
  let seq = 0;
  const refresh = async () => {
    const format = chosen();
    if (!frame || !panel.dataset.previewUrl || !WRITTEN.includes(format)) return;
    const content = form.querySelector<HTMLTextAreaElement>(`textarea[name="${format}"]`)?.value ?? '';
    const layout = form.querySelector<HTMLSelectElement>('select[name="layoutRef"]')?.value ?? '';
    const mine = ++seq;
    try {
      const res = await fetch(panel.dataset.previewUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrfToken() },
        body: JSON.stringify({ format, content, layout, subject: panel.dataset.subject ?? '' }),
      });
      const answer = (await res.json()) as { html?: string; message?: unknown };
      if (mine !== seq) return;
      if (!res.ok) {
        const message = [answer.message].flat().filter((m) => typeof m === 'string');
        if (status) status.textContent = `Not shown: ${message.join('; ') || `HTTP ${res.status}`}`;
        return;
      }
      frame.srcdoc = answer.html ?? '';
      frame.hidden = false;
      if (status) status.textContent = '';
    } catch {
      if (mine === seq && status) status.textContent = 'The preview could not be updated';
    }
  };
  const schedule = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void refresh(), DEBOUNCE_MS);
  };
  const update = () => {
    panel.hidden = !WRITTEN.includes(chosen());
    schedule();
  };
  for (const r of form.querySelectorAll<HTMLInputElement>('input[name="source"]')) r.addEventListener('change', update);
  form.addEventListener('input', (e) => {
    const name = (e.target as HTMLElement | null)?.getAttribute('name');
    if (name === 'markdown' || name === 'richtext' || name === 'layoutRef') schedule();
  });
  form.addEventListener('change', (e) => {
    if ((e.target as HTMLElement | null)?.getAttribute('name') === 'layoutRef') schedule();
  });
  // the rich-text editor writes its textarea without an input event: it tells us
  form.addEventListener('richtext-change', schedule);
  update();
}

function wireRichText(field: HTMLElement): void {
  const textarea = field.querySelector<HTMLTextAreaElement>('textarea[name="richtext"]');
  const toolbar = field.querySelector<HTMLElement>('[data-richtext-toolbar]');
  if (!textarea || !toolbar) return;
  const mount = document.createElement('div');
  textarea.after(mount);
  textarea.hidden = true;
  toolbar.hidden = false;
  const editor = new Editor({
    element: mount,
    content: textarea.value,
    extensions: [
      StarterKit.configure({
        heading: { levels: [1, 2, 3] },
        code: false,
        codeBlock: false,
        strike: false,
        underline: false,
        trailingNode: false,
        link: {
          openOnClick: false,
          autolink: true,
          HTMLAttributes: { rel: null, target: null },
          isAllowedUri: (url) => LINK.test(url) || VARIABLE.test(url),
        },
      }),
      Image.configure({ allowBase64: false }),
    ],
    editorProps: {
      attributes: {
        class: 'compose-richtext',
        role: 'textbox',
        'aria-multiline': 'true',
        'aria-labelledby': 'c-richtext-label',
        'aria-describedby': textarea.getAttribute('aria-describedby') ?? '',
        id: 'c-richtext-editor',
      },
    },
    onUpdate: ({ editor: e }) => {
      textarea.value = e.getHTML();
      textarea.dispatchEvent(new Event('richtext-change', { bubbles: true }));
    },
  });
  toolbar.setAttribute('aria-controls', 'c-richtext-editor');

  const run = (cmd: string) => {
    const chain = editor.chain().focus();
    switch (cmd) {
      case 'bold':
        return chain.toggleBold().run();
      case 'italic':
        return chain.toggleItalic().run();
      case 'h1':
        return chain.toggleHeading({ level: 1 }).run();
      case 'h2':
        return chain.toggleHeading({ level: 2 }).run();
      case 'bulletList':
        return chain.toggleBulletList().run();
      case 'orderedList':
        return chain.toggleOrderedList().run();
      case 'blockquote':
        return chain.toggleBlockquote().run();
      case 'hr':
        return chain.setHorizontalRule().run();
      case 'undo':
        return chain.undo().run();
      case 'redo':
        return chain.redo().run();
      case 'link': {
        const current = (editor.getAttributes('link').href as string | undefined) ?? 'https://';
        const href = window.prompt(
          'Link address (https://…, mailto:… or a variable like {{unsubscribeUrl}}); empty removes the link',
          current,
        );
        if (href === null) return;
        if (!href.trim()) return chain.extendMarkRange('link').unsetLink().run();
        if (!LINK.test(href.trim()) && !VARIABLE.test(href.trim()))
          return window.alert('A link starts with https://, http:// or mailto:, or is one variable');
        return chain.extendMarkRange('link').setLink({ href: href.trim() }).run();
      }
      case 'image': {
        const src = window.prompt('Image address (https://…, e.g. from the media library)', 'https://');
        if (!src || !/^https?:\/\//i.test(src.trim())) return;
        const alt = window.prompt('Describe the image for people who cannot see it') ?? '';
        return chain.setImage({ src: src.trim(), alt }).run();
      }
    }
  };
  const buttons = [...toolbar.querySelectorAll<HTMLButtonElement>('button[data-cmd]')];
  for (const b of buttons) {
    // A click keeps the focus (and the selection) in the text, so typing goes on where it was; the keyboard reaches
    // the buttons by Tab as usual.
    b.addEventListener('mousedown', (e) => e.preventDefault());
    b.addEventListener('click', () => run(b.dataset.cmd!));
  }
  const variable = toolbar.querySelector<HTMLSelectElement>('[data-cmd-variable]');
  variable?.addEventListener('change', () => {
    if (variable.value) editor.chain().focus().insertContent(variable.value).run();
    variable.value = '';
  });
  const active: Record<string, () => boolean> = {
    bold: () => editor.isActive('bold'),
    italic: () => editor.isActive('italic'),
    h1: () => editor.isActive('heading', { level: 1 }),
    h2: () => editor.isActive('heading', { level: 2 }),
    bulletList: () => editor.isActive('bulletList'),
    orderedList: () => editor.isActive('orderedList'),
    blockquote: () => editor.isActive('blockquote'),
  };
  editor.on('transaction', () => {
    for (const b of buttons) {
      const isActive = active[b.dataset.cmd!];
      if (isActive) b.setAttribute('aria-pressed', String(isActive()));
    }
  });
}

document.addEventListener('DOMContentLoaded', () => {
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-campaign-content]'))
    wireLayoutAndPreview(form);
  for (const field of document.querySelectorAll<HTMLElement>('[data-richtext]')) wireRichText(field);
});
