import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SubscriberRepositoriesModule } from '../subscribers/subscriber-repositories.module';
import { BounceListener } from './bounce-listener';
import { BounceMailbox } from './bounce-mailbox';
import { BouncesController } from './bounces.controller';
import { BouncesService } from './bounces.service';
import { Bounce } from './bounce.entity';
import { BounceRepository } from './bounce.repository';
import { SoftBounce } from './soft-bounce.entity';
import { SoftBounceRepository } from './soft-bounce.repository';
import { VerpBounces } from './verp-bounces';
import { ProviderWebhooksController } from './webhooks/provider-webhooks.controller';
import { ProviderWebhooksService } from './webhooks/provider-webhooks.service';
import { SnsHttp } from './webhooks/sns-http';
import { SnsVerifier } from './webhooks/sns-verifier';
import { WebhookReplayGuard } from './webhooks/webhook-replay-guard';

/**
 * Bounces and complaints into the suppression list and the message log: POST /api/events/bounces (JSON, DSN,
 * ARF), the bounce SMTP listener and the bounce mailbox (VERP, README Bounces), the providers' webhooks. Global: the delivery log
 * counts synchronous soft bounces through BouncesService.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([SoftBounce, Bounce]), SubscriberRepositoriesModule],
  controllers: [BouncesController, ProviderWebhooksController],
  providers: [
    BouncesService,
    SoftBounceRepository,
    BounceRepository,
    // VERP: the bounce SMTP listener and the bounce mailbox
    VerpBounces,
    BounceListener,
    BounceMailbox,
    // POST /api/webhooks/{ses,sendgrid,postmark,mailgun}
    ProviderWebhooksService,
    SnsHttp,
    SnsVerifier,
    WebhookReplayGuard,
  ],
  exports: [SoftBounceRepository, BounceRepository, BouncesService],
})
export class BouncesModule {}
