/** How an editor writes a campaign: MJML (its own, or a template), or Markdown / rich text put into a layout. */
export const CONTENT_FORMATS = ['mjml', 'markdown', 'richtext'] as const;
export type ContentFormat = (typeof CONTENT_FORMATS)[number];
/** The formats whose text is turned into HTML and put into a layout's content slot. */
export type WrittenFormat = Exclude<ContentFormat, 'mjml'>;

/** The layout a Markdown or rich-text campaign goes into when none is named: the built-in newsletter. */
export const DEFAULT_LAYOUT = 'newsletter';
/** At most this many characters of Markdown or rich text. */
export const MAX_CONTENT = 500_000;
