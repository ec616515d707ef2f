import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { loadSocialIcons } from './render/social-icons';

/** A day, then revalidated by ETag: an icon may be redrawn in a later release under the same name. */
const CACHE_A_DAY = 'public, max-age=86400';

/** GET /social-icons/:name: the icons of social links in mail (MJML's, served here instead of by Mailjet). */
@ApiExcludeController()
@Public()
@Controller('social-icons')
export class SocialIconsController {
  private readonly icons = loadSocialIcons();

  @Get(':name')
  icon(@Param('name') name: string, @Res() res: Response): void {
    const png = this.icons.get(name);
    if (!png) throw new NotFoundException('No such icon');
    res.setHeader('Cache-Control', CACHE_A_DAY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Webmail pages on other sites show the icon: helmet's same-origin default would stop them.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.type('png').send(png);
  }
}
