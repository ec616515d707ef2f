// The campaign content step's Markdown and rich-text panels, in a bundle of its own (build.mjs) that only that page
// loads. The layout choice follows the chosen format, and the rich-text textarea becomes a Tiptap editor (headless:
// the toolbar is ours, real labelled buttons; its schema holds only what the server's sanitiser keeps, so what an
// editor sees is what is sent). Without script the textarea takes HTML.
import { Editor } from '@tiptap/core';
import Image from '@tiptap/extension-image';
import StarterKit from '@tiptap/starter-kit';

const WRITTEN = ['markdown', 'richtext'];
const LINK = /^(?:https?:\/\/|mailto:)/i;
const VARIABLE = /^\{\{\s*[A-Za-z_$][\w$-]*(?:\.[\w$-]+)*\s*\}\}$/;

function wireLayoutChoice(form: HTMLFormElement): void {
  const panel = form.querySelector<HTMLElement>('[data-compose-layout]');
  if (!panel) return;
  const update = () => {
    const chosen = form.querySelector<HTMLInputElement>('input[name="source"]:checked')?.value ?? '';
    panel.hidden = !WRITTEN.includes(chosen);
  };
  for (const r of form.querySelectorAll<HTMLInputElement>('input[name="source"]')) r.addEventListener('change', update);
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
  for (const b of buttons) b.addEventListener('click', () => run(b.dataset.cmd!));
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
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-campaign-content]')) wireLayoutChoice(form);
  for (const field of document.querySelectorAll<HTMLElement>('[data-richtext]')) wireRichText(field);
});
