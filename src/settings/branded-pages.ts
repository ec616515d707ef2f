import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, Observable, switchMap } from 'rxjs';
import { BRAND_HEADER_SLOT, BRAND_STYLE_SLOT, BRANDED_PAGE } from '../common/html-page';
import { AppConfig } from '../config/app-config';
import { Brand, DEFAULT_BRAND, logoUrl, TEXT_COLOUR } from './brand';
import { SettingsService } from './settings.service';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (v: string) => v.replace(/[&<>"']/g, (c) => ENTITIES[c]);

/** The brand's CSS over a page's own: the background around the card, buttons and links in the primary colour. */
export function brandStyle(brand: Brand): string {
  if (brand.primary === DEFAULT_BRAND.primary && brand.background === DEFAULT_BRAND.background && !hasHeader(brand))
    return '';
  // Colours are validated `#rrggbb` (SettingsService.setBrand): safe in CSS as they are.
  return `<style>
  body { background: ${brand.background}; }
  button, .button { background: ${brand.primary}; }
  button:hover, button:focus { background: ${brand.primary}; filter: brightness(0.88); }
  a { color: ${brand.primary}; }
  .brand { display: flex; align-items: center; gap: 12px; max-width: 544px; margin: 0 auto 16px; color: ${TEXT_COLOUR}; }
  .brand img { max-height: 48px; max-width: 220px; }
  .brand span { font-size: 18px; font-weight: 600; }
</style>`;
}

/** The logo and the name above the card; nothing when neither is set. */
export function brandHeader(brand: Brand, publicUrl: string): string {
  if (!hasHeader(brand)) return '';
  const name = brand.name ? `<span>${escape(brand.name)}</span>` : '';
  // Beside the name the logo says nothing more (alt=""); alone, it stands for the organisation.
  const logo = brand.logo
    ? `<img src="${escape(logoUrl(brand.logo, publicUrl))}" alt="${brand.name ? '' : 'Logo'}">`
    : '';
  return `<header class="brand">${logo}${name}</header>`;
}

/** Fills a page's brand slots (pages without them come back unchanged). */
export function brandedHtml(html: string, brand: Brand, publicUrl: string): string {
  return html.replace(BRAND_STYLE_SLOT, brandStyle(brand)).replace(BRAND_HEADER_SLOT, brandHeader(brand, publicUrl));
}

function hasHeader(brand: Brand): boolean {
  return Boolean(brand.name || brand.logo);
}

/**
 * Every route marked @HtmlPage (unsubscribe, preference centre, confirm, their invalid-link pages) and the archive's
 * pages: the HTML string they answer gets the brand read from Settings at that moment (another process may have
 * changed it).
 */
@Injectable()
export class BrandedPagesInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly settings: SettingsService,
    private readonly config: AppConfig,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http' || !this.reflector.get<boolean>(BRANDED_PAGE, ctx.getHandler())) return next.handle();
    return next
      .handle()
      .pipe(
        switchMap((body: unknown) =>
          typeof body === 'string'
            ? from(this.settings.brand().then((brand) => brandedHtml(body, brand, this.config.publicUrl)))
            : from([body]),
        ),
      );
  }
}
