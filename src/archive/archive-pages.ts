import { escapeHtml, readerPage } from '../preferences/pages/html';
import { Brand, logoUrl, TEXT_COLOUR } from '../settings/brand';

/** One published newsletter as the archive lists it. */
export interface ArchiveEntry {
  slug: string;
  /** the subject filled with the archive's sample reader */
  title: string;
  publishedAt: Date;
}

/** PageQuery's default `limit`. */
const DEFAULT_LIMIT = 50;

const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** `3 December 2026` (UTC), in a <time> element. */
export function dateElement(d: Date): string {
  return `<time datetime="${d.toISOString()}">${DAY.format(d)}</time>`;
}

/**
 * A public archive page (indexable, unlike the readers' link pages): the brand goes into its slots on the way out
 * (settings/branded-pages.ts). `body` is HTML whose dynamic parts are escaped; `title` is escaped here.
 */
function archivePage(title: string, body: string): string {
  return readerPage(title, body, {
    indexable: true,
    head: '<link rel="alternate" type="application/rss+xml" title="RSS" href="/archive/feed.xml">',
    css: `
  a { color: #2563eb; }
  ol { list-style: none; padding: 0; margin: 0; }
  li { padding: 12px 0; border-bottom: 1px solid #e4e7eb; }
  nav { display: flex; justify-content: space-between; margin-top: 16px; }`,
  });
}

/** GET /archive: newest first, one page of them, with links to the pages around it. */
export function archiveIndexPage(
  heading: string,
  entries: ArchiveEntry[],
  page: { page: number; limit: number; total: number },
): string {
  const items = entries.length
    ? `<ol>${entries
        .map(
          (e) =>
            `<li><a href="/archive/${escapeHtml(e.slug)}">${escapeHtml(e.title)}</a><br><span class="muted">${dateElement(e.publishedAt)}</span></li>`,
        )
        .join('\n')}</ol>`
    : '<p>No newsletters have been published here yet.</p>';
  // The page size is kept in the links when it is not the default one.
  const size = page.limit === DEFAULT_LIMIT ? '' : `&amp;limit=${page.limit}`;
  const newer =
    page.page > 1 ? `<a href="/archive?page=${page.page - 1}${size}" rel="prev">Newer</a>` : '<span></span>';
  const older =
    page.page * page.limit < page.total ? `<a href="/archive?page=${page.page + 1}${size}" rel="next">Older</a>` : '';
  return archivePage(
    heading,
    `${items}
<nav aria-label="Pages">${newer}${older}</nav>
<p class="muted"><a href="/archive/feed.xml">RSS feed</a></p>`,
  );
}

/** Where an archived copy's unsubscribe and preferences links lead: they name nobody, so this explains. */
export function archiveUnsubscribePage(): string {
  return archivePage(
    'This is a copy from our archive',
    `<p>You are reading a newsletter from our public archive. Its links name nobody, so nothing can be changed from here.</p>
<p>To stop receiving our newsletters, use the unsubscribe link at the bottom of a mail you received from us. The same link lets you ask for a link to your preferences.</p>
<p class="muted"><a href="/archive">Back to the archive</a></p>`,
  );
}

/** GET /archive/:slug for a slug that is not (or no longer) published. */
export function archiveNotFoundPage(): string {
  return archivePage(
    'Newsletter not found',
    `<p>There is no newsletter at this address. It may have been taken out of the archive.</p>
<p class="muted"><a href="/archive">See all newsletters</a></p>`,
  );
}

/**
 * GET /archive/:slug: the newsletter's own HTML as its readers got it (sample data), with a bar above it: the brand,
 * the date and the way back. The bar is styled inline so the newsletter's own CSS and the bar's leave each other be.
 */
export function archiveIssuePage(mailHtml: string, entry: ArchiveEntry, brand: Brand, publicUrl: string): string {
  const logo = brand.logo
    ? `<img src="${escapeHtml(logoUrl(brand.logo, publicUrl))}" alt="${brand.name ? '' : 'Logo'}" style="max-height:40px;max-width:200px;vertical-align:middle;margin-right:10px">`
    : '';
  const name = brand.name
    ? `<strong style="font-size:17px;vertical-align:middle">${escapeHtml(brand.name)}</strong>`
    : '';
  const bar = `<header style="background:${brand.background};color:${TEXT_COLOUR};font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;padding:12px 16px">
<div style="max-width:600px;margin:0 auto">${logo}${name}
<p style="margin:6px 0 0"><a href="/archive" style="color:${brand.primary}">All newsletters</a> · ${dateElement(entry.publishedAt)} · <a href="/archive/feed.xml" style="color:${brand.primary}">RSS</a></p></div>
</header>`;
  const head = `<title>${escapeHtml(entry.title)}</title>
<link rel="alternate" type="application/rss+xml" title="RSS" href="/archive/feed.xml">`;
  const titled = /<title>[^<]*<\/title>/i.test(mailHtml)
    ? mailHtml.replace(/<title>[^<]*<\/title>/i, () => head)
    : mailHtml.replace(/<\/head>/i, () => `${head}</head>`);
  return /<body[^>]*>/i.test(titled)
    ? titled.replace(/<body[^>]*>/i, (open) => `${open}\n${bar}`)
    : `${bar}\n${titled}`;
}
