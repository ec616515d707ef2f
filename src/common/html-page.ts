import { applyDecorators, Header, SetMetadata } from '@nestjs/common';

/** Metadata of a route whose HTML page carries the brand (filled in by settings/branded-pages.ts). */
export const BRANDED_PAGE = 'html:branded';
/** Where a reader-facing page takes the brand's CSS (in <head>) and its header (above the card). */
export const BRAND_STYLE_SLOT = '<!--brand:style-->';
export const BRAND_HEADER_SLOT = '<!--brand:header-->';

/** A route that answers a recipient-facing HTML page: never cached (each answer is about one person's link). */
export function HtmlPage(): MethodDecorator {
  return applyDecorators(
    Header('Content-Type', 'text/html; charset=utf-8'),
    Header('Cache-Control', 'no-store'),
    SetMetadata(BRANDED_PAGE, true),
  );
}
