// GrapesJS with grapesjs-mjml, set up for the mail service: the blocks an editor needs (a footer with the
// links every campaign must carry among them), MJML attributes kept as written, images from the media library,
// and nothing fetched from third parties (no icon font from a CDN, no placeholder image host) except one thing: the
// canvas shows MJML's social icons from Mailjet's site, as mjml-browser makes them (the sent mail takes them from
// this service: MjmlCompiler).
import grapesjs, { Editor } from 'grapesjs';
import mjmlPlugin from 'grapesjs-mjml';
import 'grapesjs/dist/css/grapes.min.css';
import { expandSelfClosing, formatMjml } from './builder-mjml';
import { builderBlocks } from './builder-blocks';
import { richTextActions } from './builder-link';
import { MediaEndpoints, mediaAssets } from './builder-media';
import { setUpStylePanel, STYLE_SECTORS } from './builder-style';

/** grapesjs-mjml's own blocks the builder offers (the others, hero, navbar, wrapper, raw, are left out). */
const PLUGIN_BLOCKS = [
  'mj-1-column',
  'mj-2-columns',
  'mj-3-columns',
  'mj-text',
  'mj-button',
  'mj-image',
  'mj-divider',
  'mj-social-group',
  'mj-spacer',
];

/** A grey box instead of grapesjs-mjml's placeholder from a public image host. */
const IMAGE_PLACEHOLDER =
  'data:image/svg+xml;charset=utf-8,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="300"><rect width="600" height="300" fill="#d9dee4"/><text x="300" y="160" font-family="sans-serif" font-size="24" fill="#52606d" text-anchor="middle">Choose an image</text></svg>',
  );

/** A panel button named in words (GrapesJS's default icons come from the icon font left out above). */
const button = (id: string, label: string, title: string, extra: Record<string, unknown> = {}) => ({
  id,
  command: id,
  label,
  attributes: { title, role: 'button', tabindex: '0' },
  ...extra,
});

/** GrapesJS's panels: the views on the right (blocks first) and outlines / full screen above the canvas. */
const PANELS = [
  { id: 'commands', buttons: [] },
  {
    id: 'options',
    buttons: [
      button('sw-visibility', 'Outlines', 'Show the outline of every block', { active: true }),
      button('fullscreen', 'Full screen', 'Use the whole screen for the builder'),
    ],
  },
  {
    id: 'views',
    buttons: [
      button('open-blocks', 'Blocks', 'Blocks to drag into the mail', { togglable: false, active: true }),
      button('open-sm', 'Style', 'Colours, padding, alignment and fonts of the selected block', { togglable: false }),
      button('open-tm', 'Settings', 'Link, image address and other settings of the selected block', {
        togglable: false,
      }),
      button('open-layers', 'Layers', 'The structure of the mail', { togglable: false }),
    ],
  },
];

export interface BuilderOptions extends MediaEndpoints {
  container: HTMLElement;
}

interface MjmlModel {
  __explicit?: Set<string>;
  get(name: string): unknown;
  previous(name: string): unknown;
  on(event: string, fn: () => void): void;
}

/**
 * grapesjs-mjml leaves out of its MJML every attribute equal to MJML's default (`font-size="13px"` on mj-text):
 * under mj-attributes that changes the mail. Here an attribute is left out only when it was neither written
 * in the code nor changed in the builder.
 */
function keepWrittenAttributes(editor: Editor): void {
  for (const type of editor.Components.getTypes()) {
    const base = type.model.prototype as Record<string, unknown>;
    if (!type.id.startsWith('mj-') || typeof base.getAttrToHTML !== 'function') continue;
    const baseInit = base.init as (this: MjmlModel) => void;
    editor.Components.addType(type.id, {
      model: {
        init(this: MjmlModel) {
          this.__explicit = new Set(Object.keys((this.get('attributes') as object) ?? {}));
          baseInit.call(this);
          this.on('change:attributes', () => {
            const before = (this.previous('attributes') ?? {}) as Record<string, unknown>;
            const now = (this.get('attributes') ?? {}) as Record<string, unknown>;
            for (const key of Object.keys(now)) if (now[key] !== before[key]) this.__explicit?.add(key);
          });
        },
        getAttrToHTML(this: MjmlModel) {
          const attrs = { ...((this.get('attributes') ?? {}) as Record<string, unknown>) };
          const defaults = (this.get('style-default') ?? {}) as Record<string, unknown>;
          delete attrs.style;
          delete attrs.id;
          for (const key of Object.keys(attrs))
            if (attrs[key] === defaults[key] && !this.__explicit?.has(key)) delete attrs[key];
          return attrs;
        },
      },
    });
  }
}

export function createBuilder(options: BuilderOptions): Editor {
  const editor: Editor = grapesjs.init({
    container: options.container,
    height: '720px',
    width: 'auto',
    fromElement: false,
    storageManager: false,
    // GrapesJS would load Font Awesome from cdnjs and report usage to grapesjs.com: the admin calls no third party.
    cssIcons: '',
    telemetry: false,
    panels: { defaults: PANELS },
    plugins: [mjmlPlugin, keepWrittenAttributes],
    pluginsOpts: {
      // the plugin's own Style panel draws alignment as icons of an icon font the admin does not load
      [mjmlPlugin as unknown as string]: {
        blocks: PLUGIN_BLOCKS,
        imagePlaceholderSrc: IMAGE_PLACEHOLDER,
        resetStyleManager: false,
      },
    },
    styleManager: { sectors: STYLE_SECTORS },
    // GrapesJS takes action objects here too (merged with its built-in action of the same name); its types say strings
    richTextEditor: { actions: richTextActions(options.status) as unknown as string[] },
    assetManager: mediaAssets(options, () => editor),
    // the Settings view's fields named in words (GrapesJS shows the attribute's name: "Href", "Src")
    i18n: {
      messagesAdd: {
        en: {
          traitManager: { traits: { labels: { href: 'Link address', src: 'Image address', alt: 'Text if no image' } } },
        },
      },
    },
  });
  setUpStylePanel(editor, options.container);
  // The page's own toolbar has undo/redo and the device switch; code goes through the code view and its checks.
  for (const id of ['undo', 'redo', 'mjml-import', 'export-template']) editor.Panels.removeButton('options', id);
  editor.Panels.removePanel('devices-c');
  builderBlocks(editor, options.container);
  // The right-hand panel scrolls: keyboard users reach it (and scroll it) with Tab.
  editor.on('load', () => {
    const panel = options.container.querySelector<HTMLElement>('.gjs-pn-views-container');
    panel?.setAttribute('tabindex', '0');
    panel?.setAttribute('role', 'region');
    panel?.setAttribute('aria-label', 'Builder panel');
    editor.Canvas.getFrameEl()?.setAttribute('title', 'The mail being built');
  });
  // GrapesJS's panel buttons are spans: with role=button and tabindex (above) they also answer Enter and Space.
  options.container.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement;
    if ((e.key === 'Enter' || e.key === ' ') && target.classList.contains('gjs-pn-btn')) {
      e.preventDefault();
      target.click();
    }
  });
  return editor;
}

/** Loads code into the builder (undo starts from here). */
export function loadMjml(editor: Editor, mjml: string): void {
  editor.setComponents(expandSelfClosing(mjml));
  editor.UndoManager.clear();
}

/** The builder's MJML, one structural tag a line. */
export function builderMjml(editor: Editor): string {
  return formatMjml(editor.getHtml());
}

/** Compiles MJML in the browser (mjml-browser, as the canvas does), for comparing two versions of a mail. */
export function compileInBrowser(editor: Editor, mjml: string): string {
  const out = editor.runCommand('mjml-code-to-html', { mjml: expandSelfClosing(mjml) }) as { html?: string };
  return out?.html ?? '';
}

/** Ends in-place editing, so that the text typed so far is in the component (and in its MJML). */
export async function finishEditing(editor: Editor): Promise<void> {
  const view = editor.getEditing()?.getView() as { disableEditing?: () => unknown } | undefined;
  await view?.disableEditing?.();
}
