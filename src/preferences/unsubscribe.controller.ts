import { Controller, Get, HttpCode, Param, Post, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import { NoFilesInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import { Request, Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { ANY_BODY_TYPE, BodyTypes } from '../common/body-types';
import { HtmlPage } from '../common/html-page';
import { InvalidTokenThrottlerGuard, TokenRoute } from '../tracking/invalid-token-throttler.guard';
import { invalidUnsubscribeLinkPage, unsubscribedPage, unsubscribePromptPage } from './unsubscribe-pages';
import { UnsubscribeService } from './unsubscribe.service';

/**
 * The List-Unsubscribe link of campaign mail. GET only shows a page with one button; POST unsubscribes:
 * RFC 8058 one-click (`List-Unsubscribe=One-Click`, urlencoded or multipart, no cookie, no CSRF token)
 * and the page's button (an empty form) alike, answering 200 with a page, never a redirect.
 * Invalid tokens are a 404 page and count against the IP's rate limit; valid ones are never limited.
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
    return outcome ? unsubscribePromptPage(outcome) : notFound(res);
  }

  @Post(':token')
  @HttpCode(200)
  // RFC 8058 mail providers post a form (urlencoded or multipart); whatever they send, the POST unsubscribes.
  @BodyTypes(ANY_BODY_TYPE)
  @UseInterceptors(NoFilesInterceptor({ limits: { fields: 10, fieldSize: 1024, parts: 10 } }))
  @HtmlPage()
  async unsubscribe(@Param('token') token: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<string> {
    const oneClick = (req.body as Record<string, unknown> | undefined)?.['List-Unsubscribe'] === 'One-Click';
    const outcome = await this.unsubscribes.unsubscribe(token, oneClick ? 'one-click' : 'page');
    return outcome ? unsubscribedPage(outcome) : notFound(res);
  }
}

function notFound(res: Response): string {
  res.status(404);
  return invalidUnsubscribeLinkPage();
}
