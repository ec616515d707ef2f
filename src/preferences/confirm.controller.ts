import { Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { HtmlPage } from '../common/html-page';
import { ConfirmationService } from './confirmation.service';
import { confirmedPage, confirmPromptPage, invalidLinkPage } from './pages/confirm-pages';

/**
 * The link of the subscription-confirm mail. GET only shows a page (mail scanners fetch links);
 * the page's button POSTs to the same URL, which confirms. Any unusable token is a 404 page.
 */
@ApiExcludeController()
@Public()
@Controller('confirm')
export class ConfirmController {
  constructor(private readonly confirmation: ConfirmationService) {}

  @Get(':token')
  @HtmlPage()
  async show(@Param('token') token: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const lists = await this.confirmation.preview(token);
    return lists ? confirmPromptPage(lists) : notFound(res);
  }

  /** Takes any body (an empty form is what the button sends) and ignores it. */
  @Post(':token')
  @HttpCode(200)
  @HtmlPage()
  async confirm(@Param('token') token: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const lists = await this.confirmation.confirm(token);
    return lists ? confirmedPage(lists) : notFound(res);
  }
}

function notFound(res: Response): string {
  res.status(404);
  return invalidLinkPage();
}
