// The builder's own block: a footer with what every campaign mail must carry (contract: Templates and
// rendering): the one-click unsubscribe link and the sender's postal address, plus the preference link.
// The service adds a footer to a mail that lacks them; with this block the editor decides how it looks.
import type { Component, Editor } from 'grapesjs';

export const FOOTER_MJML = `<mj-section padding="24px 0 40px">
  <mj-column>
    <mj-text align="center" font-size="12px" color="#616e7c" line-height="1.6">You receive this email at {{subscriber.email}} because you subscribed to our news.<br /><a href="{{unsubscribeUrl}}" style="color:#52606d;">Unsubscribe</a> · <a href="{{preferencesUrl}}" style="color:#52606d;">Manage preferences</a><br />{{companyAddress}}</mj-text>
  </mj-column>
</mj-section>`;

const FOOTER_ICON = `<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M3 3h18v18H3V3Zm2 2v9h14V5H5Zm0 11v3h14v-3H5Z"/></svg>`;

/**
 * MJML's social icons, each as a link to the address the editor types. MJML turns the address of `facebook`,
 * `twitter`, `linkedin`… into a "share this page" link (facebook.com/sharer.php?u=<address>); `facebook-noshare`
 * links to the address itself, which is what an editor typing the magazine's profile means. (instagram, youtube…
 * have no share link in MJML: their name is kept.)
 */
const SOCIAL_ICONS: Array<[string, string]> = [
  ['facebook-noshare', 'Facebook'],
  ['instagram', 'Instagram'],
  ['twitter-noshare', 'Twitter / X'],
  ['linkedin-noshare', 'LinkedIn'],
  ['youtube', 'YouTube'],
  ['pinterest-noshare', 'Pinterest'],
  ['tumblr-noshare', 'Tumblr'],
  ['xing-noshare', 'Xing'],
  ['vimeo', 'Vimeo'],
  ['soundcloud', 'SoundCloud'],
  ['medium', 'Medium'],
  ['github', 'GitHub'],
  ['dribbble', 'Dribbble'],
  ['snapchat', 'Snapchat'],
  ['web', 'Web'],
  ['custom', 'Your own icon (Image address)'],
];

/** The Social links block (grapesjs-mjml's "Group Social", with Google+, closed in 2019) and its Icon setting. */
function socialLinks(editor: Editor): void {
  editor.Blocks.get('mj-social-group')?.set({
    label: 'Social links',
    content: `<mj-social font-size="12px" icon-size="24px" border-radius="12px" mode="horizontal">
  ${['facebook-noshare', 'instagram', 'twitter-noshare'].map((name) => `<mj-social-element name="${name}"></mj-social-element>`).join('\n  ')}
</mj-social>`,
  });
  editor.Components.addType('mj-social-element', {
    model: {
      defaults: {
        traits: [
          { type: 'select', label: 'Icon', name: 'name', options: SOCIAL_ICONS.map(([id, label]) => ({ id, label })) },
          { name: 'href', label: 'Link address' },
          { name: 'src', label: 'Image address' },
        ],
      },
    },
  });
}

export function builderBlocks(editor: Editor, container: HTMLElement): void {
  editor.Blocks.add('mc-footer', {
    label: 'Footer (unsubscribe, address)',
    category: editor.Blocks.get('mj-text')?.get('category') ?? 'Basic',
    media: FOOTER_ICON,
    content: FOOTER_MJML,
  });
  socialLinks(editor);
  // Without a mouse: each block is a button (Tab to it, Enter or Space adds it after what is selected).
  for (const block of editor.Blocks.getAll()) {
    block.set('attributes', {
      ...block.get('attributes'),
      role: 'button',
      tabindex: '0',
      'aria-label': `Add ${block.get('label')}`,
      'data-block': block.id,
    });
  }
  container.addEventListener('keydown', (e) => {
    const el = (e.target as HTMLElement).closest<HTMLElement>('.gjs-block[data-block]');
    if (!el || (e.key !== 'Enter' && e.key !== ' ')) return;
    e.preventDefault();
    addBlock(editor, el.dataset.block!);
  });
}

/**
 * Adds a block where a drag would most likely have put it: a section after the selected one's section (else at
 * the end of the body); anything else after the selected content, else at the end of the selected or last column.
 */
function addBlock(editor: Editor, id: string): void {
  const content = editor.Blocks.get(id)?.get('content');
  const body = editor.getWrapper()?.findType('mj-body')[0];
  if (typeof content !== 'string' || !body) return;
  const selected = editor.getSelected();
  let added: Component[];
  if (/^\s*<mj-(?:section|wrapper)\b/.test(content)) {
    const section = selected?.is('mj-section') ? selected : selected?.closestType('mj-section');
    added = section?.parent() === body ? body.append(content, { at: section.index() + 1 }) : body.append(content);
  } else if (selected?.parent()?.is('mj-column')) {
    added = selected.parent()!.append(content, { at: selected.index() + 1 });
  } else {
    const column = selected?.is('mj-column')
      ? selected
      : (selected?.closestType('mj-column') ?? selected?.findType('mj-column')[0] ?? body.findType('mj-column').pop());
    if (!column) return;
    added = column.append(content);
  }
  if (!added[0]) return;
  editor.select(added[0]);
  // as after a drop: an image block opens the image picker
  if (editor.Blocks.get(id)?.get('activate')) added[0].trigger('active');
}
