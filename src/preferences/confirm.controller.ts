import { Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { HtmlPage } from '../common/html-page';
import { ConfirmationService } from './confirmation.service';
import { confirmedPage, confirmPromptPage, invalidLinkPage, staleLinkPage } from './pages/confirm-pages';

/**
 * The link of the subscription-confirm mail. GET only shows a page (mail scanners fetch links);
 * the page's button POSTs to the same URL, which confirms. Any unusable token is a 404 page; a valid one
 * for lists the person has left since it was mailed is a 410 page that says so and changes nothing.
 */
@ApiExcludeController()
@Public()
@Controller('confirm')
export class ConfirmController {
  constructor(private readonly confirmation: ConfirmationService) {}

  @Get(':token')
  @HtmlPage()
  async show(@Param('token') token: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const outcome = await this.confirmation.preview(token);
    if (!outcome) return notFound(res);
    return outcome.kind === 'stale' ? gone(res) : confirmPromptPage(outcome.names);
  }

  /** Takes any body (an empty form is what the button sends) and ignores it. */
  @Post(':token')
  @HttpCode(200)
  @HtmlPage()
  async confirm(@Param('token') token: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const outcome = await this.confirmation.confirm(token);
    if (!outcome) return notFound(res);
    return outcome.kind === 'stale' ? gone(res) : confirmedPage(outcome.names);
  }
}

function notFound(res: Response): string {
  res.status(404);
  return invalidLinkPage();
}

function gone(res: Response): string {
  res.status(410);
  return staleLinkPage();
}
