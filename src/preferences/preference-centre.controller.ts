import { Body, Controller, Get, Header, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Request, Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { HtmlPage } from '../common/html-page';
import type { Subscriber } from '../subscribers/subscriber.repository';
import { DataExportService } from './data-export.service';
import { ErasureService } from './erasure.service';
import { FormBody } from './preference-centre-form';
import { PreferenceCentreService } from './preference-centre.service';
import {
  erasedPage,
  erasePromptPage,
  invalidPreferencesLinkPage,
  preferenceCentrePage,
  unsubscribedAllPage,
} from './pages/preference-centre-pages';

/**
 * The preference centre, /p/:token. The signed token in the URL is the credential (no cookie, so no
 * CSRF to defend against); an expired, changed or orphaned token is a 404 page.
 */
@ApiExcludeController()
@Public()
@UseGuards(ThrottlerGuard)
@Controller('p')
export class PreferenceCentreController {
  constructor(
    private readonly centre: PreferenceCentreService,
    private readonly exporter: DataExportService,
    private readonly erasure: ErasureService,
  ) {}

  @Get(':token')
  @HtmlPage()
  async show(@Param('token') token: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const subscriber = await this.centre.subscriberOf(token);
    return subscriber ? preferenceCentrePage(await this.centre.view(subscriber), token) : notFound(res);
  }

  @Post(':token')
  @HttpCode(200)
  @HtmlPage()
  async save(
    @Param('token') token: string,
    @Body() body: FormBody,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const subscriber = await this.centre.subscriberOf(token);
    if (!subscriber) return notFound(res);
    const result = await this.centre.save(subscriber, body ?? {}, {
      ip: req.ip ?? null,
      userAgent: req.get('user-agent') ?? null,
    });
    if ('errors' in result) {
      res.status(400);
      return preferenceCentrePage(result.view, token, { errors: result.errors });
    }
    return preferenceCentrePage(result.saved, token, { notice: 'Your preferences are saved.' });
  }

  @Post(':token/unsubscribe-all')
  @HttpCode(200)
  @HtmlPage()
  async unsubscribeAll(@Param('token') token: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const subscriber = await this.centre.subscriberOf(token);
    if (!subscriber) return notFound(res, 2);
    await this.centre.unsubscribeAll(subscriber);
    return unsubscribedAllPage(token);
  }

  /** Everything held, as a JSON download. */
  @Get(':token/export')
  @Header('Cache-Control', 'no-store')
  async export(@Param('token') token: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const subscriber: Subscriber | null = await this.centre.subscriberOf(token);
    if (!subscriber) {
      res.type('html');
      return notFound(res, 2);
    }
    res.type('application/json');
    res.setHeader('Content-Disposition', 'attachment; filename="my-data.json"');
    return JSON.stringify(await this.exporter.export(subscriber), null, 2);
  }

  /** Changes nothing: asks for the confirming POST. */
  @Get(':token/erase')
  @HtmlPage()
  async erasePrompt(@Param('token') token: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    return (await this.centre.subscriberOf(token)) ? erasePromptPage(token) : notFound(res, 2);
  }

  @Post(':token/erase')
  @HttpCode(200)
  @HtmlPage()
  async erase(@Param('token') token: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const subscriber = await this.centre.subscriberOf(token);
    if (!subscriber) return notFound(res, 2);
    await this.erasure.erase(subscriber);
    return erasedPage();
  }
}

/** `depth` 2 for the pages under /p/TOKEN/… (see invalidPreferencesLinkPage). */
function notFound(res: Response, depth = 1): string {
  res.status(404);
  return invalidPreferencesLinkPage(depth);
}
