import { Controller, Get, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Public } from '../auth/auth.decorators';
import { MIME_OF_EXT } from './media-limits';
import { MediaService } from './media.service';

/** A year: the longest lifetime HTTP caches honour. A stored name never changes content (it is its hash). */
const CACHE_FOREVER = 'public, max-age=31536000, immutable';

/** GET /media/:name: the library's images, public, for mail clients and the builder. */
@ApiExcludeController()
@Public()
@Controller('media')
export class MediaFilesController {
  constructor(private readonly media: MediaService) {}

  @Get(':name')
  async file(@Param('name') name: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const found = await this.media.file(name);
    if (!found) throw new NotFoundException('No such image');
    const etag = `"${name.split('.')[0]}"`;
    res.setHeader('Cache-Control', CACHE_FOREVER);
    res.setHeader('ETag', etag);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // helmet's same-origin default would stop webmail pages on other sites from showing the picture.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (req.headers['if-none-match'] === etag) {
      found.body.destroy();
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Type', MIME_OF_EXT[name.split('.')[1]]);
    res.setHeader('Content-Length', String(found.bytes));
    await pipeline(found.body, res);
  }
}
