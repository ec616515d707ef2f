import MarkdownIt from 'markdown-it';

/**
 * CommonMark with GitHub's tables and strikethrough, bare URLs made links, and single line breaks kept
 * (editors expect Enter to start a new line). Raw HTML is let through here and cut down to what mail
 * allows by the sanitiser afterwards, so `<br>` works and `<script>` disappears instead of showing as text.
 */
const md = new MarkdownIt({ html: true, linkify: true, breaks: true });

// markdown-it percent-encodes `{` and `}` in link targets; a Handlebars variable (`[Leave]({{unsubscribeUrl}})`,
// `https://shop.example/?u={{subscriber.email}}`) has to reach the renderer as written.
const MUSTACHE = /(\{\{[^{}]*\}\})/;
const normalizeLink = md.normalizeLink.bind(md);
md.normalizeLink = (url: string) =>
  url
    .split(MUSTACHE)
    .map((part, i) => (i % 2 ? part : normalizeLink(part)))
    .join('');

/** Markdown to HTML (not yet sanitised: see mail-html.ts). */
export function markdownToHtml(source: string): string {
  return md.render(source);
}
