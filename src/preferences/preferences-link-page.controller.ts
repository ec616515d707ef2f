import { Body, Controller, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { HtmlPage } from '../common/html-page';
import { PreferencesLinkDto } from './dto/preferences-link.dto';
import { newLinkAskedPage, newLinkFormPage } from './pages/new-link-pages';
import { PreferencesLinkService } from './preferences-link.service';

/**
 * POST /preferences-link: the form of the invalid-link page (no script, no cookie), doing what
 * `POST /api/public/preferences-link` does, with the same per-IP limit and always the same answer, so the page
 * tells nobody whether an address is known. Like the preference centre it needs no CSRF token: it acts on no
 * session, and what it does (a mail to the address's owner, at most one per 10 minutes) is what anyone may ask.
 */
@ApiExcludeController()
@Public()
@UseGuards(ThrottlerGuard)
@Controller('preferences-link')
export class PreferencesLinkPageController {
  constructor(private readonly links: PreferencesLinkService) {}

  @Post()
  @HttpCode(200)
  @Throttle({ default: { limit: 5, ttl: 60_000 } })
  @HtmlPage()
  async request(@Body() body: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<string> {
    const typed = typeof body?.email === 'string' ? body.email : '';
    const dto = plainToInstance(PreferencesLinkDto, { email: typed });
    if ((await validate(dto)).length) {
      res.status(400);
      return newLinkFormPage(typed, true);
    }
    await this.links.request(dto.email);
    return newLinkAskedPage(dto.email);
  }
}
