import sanitizeHtml from 'sanitize-html';

/** A lone Handlebars variable, e.g. `{{unsubscribeUrl}}` or `{{ subscriber.attributes.shop_url }}`. */
const VARIABLE = /^\{\{\s*[A-Za-z_$][\w$-]*(?:\.[\w$-]+)*\s*\}\}$/;
/** Where a link may lead: the web, an address, or a Handlebars variable that becomes one of those per recipient. */
const LINK = /^(?:https?:\/\/|mailto:)/i;
const IMAGE = /^https?:\/\//i;

/**
 * What of the HTML an editor wrote (Markdown's output, or the rich-text editor's) reaches a mail: the few
 * tags mail clients render alike, links to the web / addresses / Handlebars variables, and web images. The
 * rest is dropped: scripts and styles with their content, every other tag keeping its text, every event
 * handler and style attribute, `javascript:` and `data:` URLs. The result is well-formed, so it cannot
 * close the `<mj-text>` it is put into.
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'h1', 'h2', 'h3', 'strong', 'em', 'a', 'ul', 'ol', 'li', 'blockquote', 'img', 'br', 'hr'],
  allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt', 'width', 'height', 'style'] },
  // Schemes are checked by the transforms below (sanitize-html would let a relative URL through).
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'iframe', 'object', 'svg', 'math'],
  // an image whose source was not a web URL (after transformTags)
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  transformTags: {
    h4: 'h3',
    h5: 'h3',
    h6: 'h3',
    b: 'strong',
    i: 'em',
    a: (tagName, attribs) => {
      const href = (attribs.href ?? '').trim();
      const ok = LINK.test(href) || VARIABLE.test(href);
      const { title } = attribs;
      return { tagName, attribs: { ...(ok ? { href } : {}), ...(title ? { title } : {}) } };
    },
    img: (tagName, attribs) => {
      const src = (attribs.src ?? '').trim();
      if (!IMAGE.test(src)) return { tagName, attribs: {} }; // then dropped by exclusiveFilter
      const px = (v: string | undefined) => (v && /^\d{1,4}$/.test(v) ? v : undefined);
      const width = px(attribs.width);
      const height = px(attribs.height);
      return {
        tagName,
        attribs: {
          src,
          alt: attribs.alt ?? '',
          ...(width ? { width } : {}),
          ...(height ? { height } : {}),
          // never wider than the column it is in
          style: 'max-width:100%;height:auto',
        },
      };
    },
  },
};

/** The mail-safe subset of `html` (see OPTIONS). */
export function mailSafeHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}

/** Is `value` one lone Handlebars variable? */
export function isLoneVariable(value: string): boolean {
  return VARIABLE.test(value);
}
