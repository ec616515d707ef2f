import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiTags } from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import { Public } from '../auth/auth.decorators';
import { PreferencesLinkDto } from './dto/preferences-link.dto';
import { PreferencesLinkService } from './preferences-link.service';

/** One answer for every address, known or not. */
const ACCEPTED = { status: 'accepted' } as const;

@ApiTags('public')
@Controller('api/public')
export class PreferencesLinkController {
  constructor(private readonly links: PreferencesLinkService) {}

  /** Throttled per IP: 5 a minute (each known address gets at most one mail per 10 minutes anyway). */
  @Public()
  @Post('preferences-link')
  @HttpCode(202)
  @UseGuards(ThrottlerGuard)
  @Throttle({ default: { limit: 5, ttl: 60_000 } })
  @ApiAcceptedResponse({ schema: { example: ACCEPTED } })
  async request(@Body() body: PreferencesLinkDto) {
    await this.links.request(body.email);
    return ACCEPTED;
  }
}
