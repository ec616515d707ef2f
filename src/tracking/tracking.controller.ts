import { Controller, Get, NotFoundException, Param, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import { Request, Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { Client } from './engagement-recorder.service';
import { InvalidTokenThrottlerGuard, TokenRoute } from './invalid-token-throttler.guard';
import { TrackingService } from './tracking.service';

/** The click redirect of campaign mail's links (the open pixel is PixelRoute, ahead of Express). */
@ApiExcludeController()
@Public()
@Controller()
export class TrackingController {
  constructor(private readonly tracking: TrackingService) {}

  /** 302 to the token's URL. Express answers HEAD with this GET route too (req.method says which: a HEAD is a scanner). */
  @Get('c/:token')
  @TokenRoute('click')
  @UseGuards(InvalidTokenThrottlerGuard)
  @Throttle({ default: { limit: 30, ttl: 60_000 } })
  async click(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const url = await this.tracking.click(token, req.method, clientOf(req));
    if (!url) throw new NotFoundException('This link is not valid');
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, url);
  }
}

export function clientOf(req: Request): Client {
  return { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null };
}
