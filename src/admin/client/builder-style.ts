// The builder's Style panel: what an editor sets on a block (font, size, colours, alignment, padding), named in
// words. grapesjs-mjml's own sectors draw alignment, decoration and font style as icons from Font Awesome, which
// the admin does not load (no third parties), so those controls were blank squares; they are replaced here by
// radio buttons with text. A property shows only where the selected block's MJML tag takes it (`stylable`).
import type { Editor } from 'grapesjs';

/** Font stacks that mail programs have everywhere; the first option leaves the layout's font (mj-attributes). */
const FONTS = [
  { id: '', label: 'The layout’s font' },
  { id: 'Arial, Helvetica, sans-serif', label: 'Arial' },
  { id: 'Helvetica, Arial, sans-serif', label: 'Helvetica' },
  { id: 'Verdana, Geneva, sans-serif', label: 'Verdana' },
  { id: 'Tahoma, Geneva, sans-serif', label: 'Tahoma' },
  { id: "'Trebuchet MS', Helvetica, sans-serif", label: 'Trebuchet MS' },
  { id: "Georgia, 'Times New Roman', serif", label: 'Georgia' },
  { id: "'Times New Roman', Times, serif", label: 'Times New Roman' },
  { id: "'Courier New', Courier, monospace", label: 'Courier New' },
];

const px = (property: string, label: string, units = ['px']) => ({ property, label, type: 'number', units, min: 0 });
const radio = (property: string, label: string, options: Array<[string, string]>) => ({
  property,
  label,
  type: 'radio',
  default: '',
  options: options.map(([id, text]) => ({ id, label: text })),
});
const LEFT_CENTRE_RIGHT: Array<[string, string]> = [
  ['left', 'Left'],
  ['center', 'Centre'],
  ['right', 'Right'],
];
const side = (property: string, label: string) => px(`${property}`, label);

export const STYLE_SECTORS = [
  {
    id: 'text',
    name: 'Text',
    open: true,
    properties: [
      { property: 'font-family', label: 'Font', type: 'select', default: '', options: FONTS },
      px('font-size', 'Size'),
      {
        property: 'font-weight',
        label: 'Weight',
        type: 'select',
        default: '',
        options: [
          { id: '', label: 'As the layout' },
          { id: '400', label: 'Normal' },
          { id: '700', label: 'Bold' },
        ],
      },
      radio('font-style', 'Slant', [
        ['normal', 'Upright'],
        ['italic', 'Italic'],
      ]),
      { property: 'color', label: 'Text colour', type: 'color', default: '' },
      { property: 'line-height', label: 'Line height', type: 'number', units: ['', 'px', '%'], min: 0 },
      px('letter-spacing', 'Letter spacing'),
      radio('text-decoration', 'Line', [
        ['none', 'None'],
        ['underline', 'Underline'],
        ['line-through', 'Strike'],
      ]),
      {
        property: 'text-transform',
        label: 'Capitals',
        type: 'select',
        default: '',
        options: [
          { id: '', label: 'As written' },
          { id: 'uppercase', label: 'ALL CAPITALS' },
          { id: 'capitalize', label: 'First Letters' },
          { id: 'lowercase', label: 'lower case' },
        ],
      },
    ],
  },
  {
    id: 'alignment',
    name: 'Alignment',
    open: true,
    properties: [
      // mj-text, mj-button, mj-image (and social links) take `align`; a section aligns its content with `text-align`
      radio('align', 'Alignment', LEFT_CENTRE_RIGHT),
      radio('text-align', 'Alignment', LEFT_CENTRE_RIGHT),
      radio('vertical-align', 'Vertical alignment', [
        ['top', 'Top'],
        ['middle', 'Middle'],
        ['bottom', 'Bottom'],
      ]),
    ],
  },
  {
    id: 'spacing',
    name: 'Spacing and size',
    open: true,
    properties: [
      {
        property: 'padding',
        label: 'Padding',
        type: 'composite',
        detached: true,
        properties: [
          side('padding-top', 'Top'),
          side('padding-right', 'Right'),
          side('padding-bottom', 'Bottom'),
          side('padding-left', 'Left'),
        ],
      },
      px('width', 'Width', ['px', '%']),
      px('height', 'Height', ['px']),
    ],
  },
  {
    id: 'colours',
    name: 'Colours and borders',
    open: true,
    properties: [
      { property: 'background-color', label: 'Background colour', type: 'color', default: '' },
      { property: 'container-background-color', label: 'Colour around the block', type: 'color', default: '' },
      { property: 'background-url', label: 'Background image', type: 'file' },
      {
        property: 'background-size',
        label: 'Background image size',
        type: 'select',
        default: '',
        options: [
          { id: '', label: 'As it is' },
          { id: 'cover', label: 'Cover the block' },
          { id: 'contain', label: 'Fit inside' },
        ],
      },
      {
        property: 'background-repeat',
        label: 'Repeat the background image',
        type: 'select',
        default: '',
        options: [
          { id: '', label: 'Yes' },
          { id: 'no-repeat', label: 'No' },
        ],
      },
      // (no border: GrapesJS's border control writes `border="0 solid black"` onto blocks that were never given one)
      px('border-radius', 'Rounded corners'),
    ],
  },
];

/** Names every field of the panel for screen readers, and makes sector titles and "reset" crosses keyboard buttons. */
function labelPanel(panel: HTMLElement): void {
  for (const prop of panel.querySelectorAll<HTMLElement>('.gjs-sm-property')) {
    const own = prop.querySelector(':scope > .gjs-sm-label')?.textContent?.trim() ?? '';
    const parent = prop.parentElement
      ?.closest('.gjs-sm-property')
      ?.querySelector(':scope > .gjs-sm-label')
      ?.textContent?.trim();
    const label = parent ? `${parent} ${own.toLowerCase()}` : own;
    if (!label) continue;
    const fields = prop.querySelector(':scope > .gjs-fields');
    if (!fields) continue;
    for (const input of fields.querySelectorAll<HTMLElement>(
      ':scope > .gjs-field input:not([type="radio"]), :scope > .gjs-field select',
    )) {
      const unit = input.closest('.gjs-field-units');
      input.setAttribute('aria-label', unit ? `${label}: unit` : label);
    }
    const group = fields.querySelector('.gjs-radio-items');
    group?.setAttribute('role', 'radiogroup');
    group?.setAttribute('aria-label', label);
    const clear = prop.querySelector<HTMLElement>(':scope > .gjs-sm-label [data-clear-style]');
    if (clear && !clear.hasAttribute('role')) {
      clear.setAttribute('role', 'button');
      clear.setAttribute('tabindex', '0');
      clear.setAttribute('aria-label', `Reset ${label.toLowerCase()}`);
      clear.setAttribute('title', `Reset ${label.toLowerCase()}`);
    }
  }
  // the Settings view (traits): GrapesJS writes each label as a div beside its field
  for (const trait of panel.querySelectorAll<HTMLElement>('.gjs-trt-trait')) {
    const label = trait.querySelector('.gjs-label')?.textContent?.trim();
    const input = trait.querySelector<HTMLElement>('.gjs-field input, .gjs-field select');
    if (label && input && input.getAttribute('aria-label') !== label) input.setAttribute('aria-label', label);
  }
  for (const title of panel.querySelectorAll<HTMLElement>('.gjs-sm-sector-title')) {
    title.setAttribute('role', 'button');
    title.setAttribute('tabindex', '0');
    title.setAttribute('aria-expanded', String(!!title.closest('.gjs-sm-open')));
  }
}

/**
 * What words inside a text take (a `<span>` made by the toolbar's "Wrap for style", a link): the CSS of a span in
 * the mail. Without this list every MJML attribute showed (`align`, `container-background-color`, padding), and
 * set on a span they are not CSS at all.
 */
const INLINE_STYLABLE = [
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'color',
  'letter-spacing',
  'text-decoration',
  'text-transform',
  'background-color',
];

/** The Style panel's sectors, and its fields named and reachable from the keyboard. */
export function setUpStylePanel(editor: Editor, container: HTMLElement): void {
  // (the MJML blocks built on these types, mj-text on text and mj-button on link, keep their own lists)
  for (const id of ['default', 'text', 'link'])
    editor.Components.addType(id, { model: { defaults: { stylable: INLINE_STYLABLE } } });
  // GrapesJS draws the panel the first time it is opened, after a block was selected, without hiding what that
  // block does not take (its property views apply visibility only when it changes): every property showed.
  // (on the panel button: opening the panel from it emits no command event)
  editor.on('load', () => {
    editor.Panels.getButton('views', 'open-sm')?.on('change:active', (button: { get(name: string): unknown }) => {
      if (!button.get('active')) return;
      for (const sector of editor.StyleManager.getSectors()) {
        sector.trigger('change:visible');
        for (const property of sector.getProperties()) property.trigger('change:visible');
      }
    });
    const panel = container.querySelector<HTMLElement>('.gjs-pn-views-container');
    if (!panel) return;
    let queued = false;
    new MutationObserver(() => {
      if (queued) return;
      queued = true;
      queueMicrotask(() => {
        labelPanel(panel);
        queued = false;
      });
    }).observe(panel, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] });
    labelPanel(panel);
  });
  container.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement;
    // The builder sits in the template's form: Enter in a panel field would submit the page. It sets the value.
    if (e.key === 'Enter' && target instanceof HTMLInputElement && target.type !== 'file') {
      e.preventDefault();
      target.dispatchEvent(new Event('change', { bubbles: true }));
      return;
    }
    // Enter or Space on a sector title opens or closes it; on a cross, resets that property.
    if (e.key !== 'Enter' && e.key !== ' ') return;
    if (!target.matches('.gjs-sm-sector-title, .gjs-sm-property [data-clear-style]')) return;
    e.preventDefault();
    target.click();
  });
}
