import { applyDecorators, Controller, Get, Header, Param, Query, Res, SetMetadata } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { BRANDED_PAGE } from '../common/html-page';
import { PageQuery } from '../common/pagination';
import { archiveNotFoundPage, archiveUnsubscribePage } from './archive-pages';
import { ArchiveService } from './archive.service';

/**
 * Shared caches may keep an archive answer 5 minutes: it is the same for everyone (no session, no reader's
 * data). Taking a newsletter out of the archive is a 404 at once here, and everywhere within that time.
 */
const CACHE = 'public, max-age=300';

/** A public archive page: the same for every reader, cached, the brand filled in (settings/branded-pages.ts). */
function ArchivePage(): MethodDecorator {
  return applyDecorators(
    Header('Content-Type', 'text/html; charset=utf-8'),
    Header('Cache-Control', CACHE),
    SetMetadata(BRANDED_PAGE, true),
  );
}

/** The public archive: /archive (newest first, paged), /archive/feed.xml (RSS 2.0) and /archive/:slug. */
@ApiExcludeController()
@Public()
@Controller('archive')
export class ArchiveController {
  constructor(private readonly archive: ArchiveService) {}

  @Get()
  @ArchivePage()
  index(@Query() query: PageQuery): Promise<string> {
    return this.archive.indexPage(query);
  }

  @Get('feed.xml')
  @Header('Content-Type', 'application/rss+xml; charset=utf-8')
  @Header('Cache-Control', CACHE)
  feed(): Promise<string> {
    return this.archive.feed();
  }

  /** Where an archived copy's unsubscribe and preferences links lead. */
  @Get('unsubscribe')
  @ArchivePage()
  unsubscribe(): string {
    return archiveUnsubscribePage();
  }

  /** Branded for its 404 page (the newsletter's page has no slots: its bar is built with the brand). */
  @Get(':slug')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @SetMetadata(BRANDED_PAGE, true)
  async issue(@Param('slug') slug: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const page = /^[a-z0-9-]{1,120}$/.test(slug) ? await this.archive.issuePage(slug) : null;
    if (page) {
      res.setHeader('Cache-Control', CACHE);
      return page;
    }
    // Not (or no longer) published: nothing may keep this answer, so a newsletter put back shows at once.
    res.status(404).setHeader('Cache-Control', 'no-store');
    return archiveNotFoundPage();
  }
}
