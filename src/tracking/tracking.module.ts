import { Module } from '@nestjs/common';
import { AbTestStatsService } from '../ab-tests/ab-test-stats.service';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { SubscriberRepositoriesModule } from '../subscribers/subscriber-repositories.module';
import { CampaignStatsController } from './campaign-stats.controller';
import { CampaignStatsService } from './campaign-stats.service';
import { EngagementRecorder } from './engagement-recorder.service';
import { InvalidTokenThrottlerGuard } from './invalid-token-throttler.guard';
import { PixelRoute } from './pixel-route';
import { TrackingController } from './tracking.controller';
import { TrackingService } from './tracking.service';

/** Opens and clicks (the pixel, the redirect, their buffered recording) and the campaign stats built on them. */
@Module({
  imports: [CampaignsModule, SubscriberRepositoriesModule],
  controllers: [TrackingController, CampaignStatsController],
  providers: [
    TrackingService,
    EngagementRecorder,
    CampaignStatsService,
    InvalidTokenThrottlerGuard,
    PixelRoute,
    // an A/B test's stats: its variants' and winner's sends summed, and each variant's (src/ab-tests)
    AbTestStatsService,
  ],
  exports: [InvalidTokenThrottlerGuard, CampaignStatsService, AbTestStatsService],
})
export class TrackingModule {}
