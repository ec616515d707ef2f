import { Controller, Get, HttpCode, Param, Post, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import { NoFilesInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import { Request, Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { ANY_BODY_TYPE, BodyTypes } from '../common/body-types';
import { HtmlPage } from '../common/html-page';
import { InvalidTokenThrottlerGuard, TokenRoute } from '../tracking/invalid-token-throttler.guard';
import {
  invalidUnsubscribeLinkPage,
  preferencesLinkSentPage,
  preferencesRequestPage,
  testMailPage,
  unsubscribedPage,
  unsubscribePromptPage,
} from './unsubscribe-pages';
import { TEST_MAIL, UnsubscribeService } from './unsubscribe.service';

/**
 * The List-Unsubscribe link of campaign mail. GET only shows a page with the unsubscribe button; POST unsubscribes:
 * RFC 8058 one-click (`List-Unsubscribe=One-Click`, urlencoded or multipart, no cookie, no CSRF token)
 * and the page's button (an empty form) alike, answering 200 with a page, never a redirect.
 * Invalid tokens are a 404 page and count against the IP's rate limit; valid ones are never limited.
 * A test send's token is a page saying so. /u/:token/preferences (the mail's `preferencesUrl`) and the
 * pages' second button mail a preference-centre link to the address on file; no page here carries one.
 */
@ApiExcludeController()
@Public()
@Controller('u')
@TokenRoute('unsubscribe')
@UseGuards(InvalidTokenThrottlerGuard)
@Throttle({ default: { limit: 30, ttl: 60_000 } })
export class UnsubscribeController {
  constructor(private readonly unsubscribes: UnsubscribeService) {}

  @Get(':token')
  @HtmlPage()
  async show(@Param('token') token: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const outcome = await this.unsubscribes.preview(token);
    if (outcome === TEST_MAIL) return testMailPage('unsubscribe');
    return outcome ? unsubscribePromptPage(outcome, token) : notFound(res);
  }

  /** Changes nothing: offers the button that mails a link. */
  @Get(':token/preferences')
  @HtmlPage()
  async preferences(@Param('token') token: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const usable = await this.unsubscribes.canRequestLink(token);
    if (usable === TEST_MAIL) return testMailPage('preferences');
    return usable ? preferencesRequestPage() : notFound(res);
  }

  @Post(':token/preferences-link')
  @HttpCode(200)
  @HtmlPage()
  async preferencesLink(@Param('token') token: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const sent = await this.unsubscribes.requestPreferencesLink(token);
    if (sent === TEST_MAIL) return testMailPage('preferences');
    return sent ? preferencesLinkSentPage() : notFound(res);
  }

  @Post(':token')
  @HttpCode(200)
  // RFC 8058 mail providers post a form (urlencoded or multipart); whatever they send, the POST unsubscribes.
  @BodyTypes(ANY_BODY_TYPE)
  @UseInterceptors(NoFilesInterceptor({ limits: { fields: 10, fieldSize: 1024, parts: 10 } }))
  @HtmlPage()
  async unsubscribe(
    @Param('token') token: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const oneClick = (req.body as Record<string, unknown> | undefined)?.['List-Unsubscribe'] === 'One-Click';
    const outcome = await this.unsubscribes.unsubscribe(token, oneClick ? 'one-click' : 'page');
    if (outcome === TEST_MAIL) return testMailPage('unsubscribed');
    return outcome ? unsubscribedPage(outcome, token) : notFound(res);
  }
}

function notFound(res: Response): string {
  res.status(404);
  return invalidUnsubscribeLinkPage();
}
