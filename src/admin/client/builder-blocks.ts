// The builder's own block: a footer with what every campaign mail must carry (contract: Templates and
// rendering): the one-click unsubscribe link and the sender's postal address, plus the preference link.
// The service adds a footer to a mail that lacks them; with this block the editor decides how it looks.
import type { Editor } from 'grapesjs';

export const FOOTER_MJML = `<mj-section padding="24px 0 40px">
  <mj-column>
    <mj-text align="center" font-size="12px" color="#616e7c" line-height="1.6">You receive this email at {{subscriber.email}} because you subscribed to our news.<br /><a href="{{unsubscribeUrl}}" style="color:#52606d;">Unsubscribe</a> · <a href="{{preferencesUrl}}" style="color:#52606d;">Manage preferences</a><br />{{companyAddress}}</mj-text>
  </mj-column>
</mj-section>`;

const FOOTER_ICON = `<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M3 3h18v18H3V3Zm2 2v9h14V5H5Zm0 11v3h14v-3H5Z"/></svg>`;

export function builderBlocks(editor: Editor): void {
  editor.Blocks.add('mc-footer', {
    label: 'Footer (unsubscribe, address)',
    category: editor.Blocks.get('mj-text')?.get('category') ?? 'Basic',
    media: FOOTER_ICON,
    content: FOOTER_MJML,
  });
}
