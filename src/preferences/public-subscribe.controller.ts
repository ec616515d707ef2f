import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiTags } from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import { Request } from 'express';
import { Public } from '../auth/auth.decorators';
import { PublicSubscribeDto } from './dto/public-subscribe.dto';
import { SignupService } from './signup.service';

/** The same answer for every accepted sign-up, so it tells nothing about whether the address was known. */
const ACCEPTED = { status: 'accepted' } as const;

@ApiTags('public')
@Controller('api/public')
export class PublicSubscribeController {
  constructor(private readonly signup: SignupService) {}

  /** Sign-up form target. Throttled per IP: 20 a minute. */
  @Public()
  @Post('subscribe')
  @HttpCode(202)
  @UseGuards(ThrottlerGuard)
  @Throttle({ default: { limit: 20, ttl: 60_000 } })
  @ApiAcceptedResponse({ schema: { example: ACCEPTED } })
  async subscribe(@Body() body: PublicSubscribeDto, @Req() req: Request) {
    await this.signup.subscribe(body, {
      ip: req.ip ?? null,
      userAgent: req.get('user-agent') ?? null,
      source: req.get('referer') || 'public-subscribe',
    });
    return ACCEPTED;
  }
}
