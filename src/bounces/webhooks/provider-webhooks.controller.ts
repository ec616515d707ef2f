import { Controller, Headers, HttpCode, Post, RawBodyRequest, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { Public } from '../../auth/auth.decorators';
import { BodyTypes } from '../../common/body-types';
import { ProviderWebhooksService } from './provider-webhooks.service';
import { SENDGRID_SIGNATURE_HEADER, SENDGRID_TIMESTAMP_HEADER } from './sendgrid-signature';
import { JSON_BODY_LIMIT, rawBodyOf, SNS_BODY_LIMIT } from './webhook-body';

const example = {
  schema: {
    example: {
      results: [{ email: 'ada@example.com', type: 'hard', reason: 'user-unknown', messageId: null, suppressed: true }],
    },
  },
};

/**
 * Bounces and complaints pushed by sending providers (README, "Provider webhooks"). No API key: each provider
 * proves itself its own way (SNS signature, SendGrid signature, Basic credentials, Mailgun HMAC). An event that
 * is no bounce or complaint answers 200 with no results.
 */
@ApiTags('webhooks')
@Public()
@Controller('api/webhooks')
export class ProviderWebhooksController {
  constructor(private readonly webhooks: ProviderWebhooksService) {}

  /** Amazon SES notifications through an SNS topic (HTTPS subscription); confirms the subscription itself. */
  @Post('ses')
  @HttpCode(200)
  @BodyTypes('text/plain', 'application/json')
  @ApiOkResponse(example)
  async ses(@Req() req: RawBodyRequest<Request>) {
    return this.webhooks.ses(await rawBodyOf(req, SNS_BODY_LIMIT));
  }

  /** SendGrid's signed event webhook (bounce, dropped, spamreport). */
  @Post('sendgrid')
  @HttpCode(200)
  @BodyTypes('application/json')
  @ApiOkResponse(example)
  async sendgrid(
    @Req() req: RawBodyRequest<Request>,
    @Headers(SENDGRID_SIGNATURE_HEADER) signature?: string,
    @Headers(SENDGRID_TIMESTAMP_HEADER) timestamp?: string,
  ) {
    return this.webhooks.sendgrid(await rawBodyOf(req, JSON_BODY_LIMIT), signature, timestamp);
  }

  /** Postmark's bounce, spam complaint and subscription change webhooks, with HTTP Basic credentials. */
  @Post('postmark')
  @HttpCode(200)
  @BodyTypes('application/json')
  @ApiOkResponse(example)
  async postmark(
    @Req() req: RawBodyRequest<Request>,
    @Res({ passthrough: true }) res: Response,
    @Headers('authorization') authorization?: string,
  ) {
    try {
      return await this.webhooks.postmark(await rawBodyOf(req, JSON_BODY_LIMIT), authorization);
    } catch (e) {
      // A client asked for credentials is told which kind (RFC 7235); Postmark then sends them.
      if (e instanceof UnauthorizedException) res.setHeader('WWW-Authenticate', 'Basic realm="postmark-webhook"');
      throw e;
    }
  }

  /** Mailgun's signed webhooks (failed, complained). */
  @Post('mailgun')
  @HttpCode(200)
  @BodyTypes('application/json')
  @ApiOkResponse(example)
  async mailgun(@Req() req: RawBodyRequest<Request>) {
    return this.webhooks.mailgun(await rawBodyOf(req, JSON_BODY_LIMIT));
  }
}
