import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SubscriberRepositoriesModule } from '../subscribers/subscriber-repositories.module';
import { BouncesController } from './bounces.controller';
import { BouncesService } from './bounces.service';
import { SoftBounce } from './soft-bounce.entity';
import { SoftBounceRepository } from './soft-bounce.repository';
import { ProviderWebhooksController } from './webhooks/provider-webhooks.controller';
import { ProviderWebhooksService } from './webhooks/provider-webhooks.service';
import { SnsHttp } from './webhooks/sns-http';
import { SnsVerifier } from './webhooks/sns-verifier';
import { WebhookReplayGuard } from './webhooks/webhook-replay-guard';

/** POST /api/events/bounces: bounces and complaints from outside (JSON, DSN, ARF) into the suppression list and the message log. */
@Module({
  imports: [TypeOrmModule.forFeature([SoftBounce]), SubscriberRepositoriesModule],
  controllers: [BouncesController, ProviderWebhooksController],
  providers: [
    BouncesService,
    SoftBounceRepository,
    // POST /api/webhooks/{ses,sendgrid,postmark,mailgun}
    ProviderWebhooksService,
    SnsHttp,
    SnsVerifier,
    WebhookReplayGuard,
  ],
  exports: [SoftBounceRepository],
})
export class BouncesModule {}
