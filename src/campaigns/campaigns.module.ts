import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ListsModule } from '../lists/lists.module';
import { deliveryQueueSettings, QueueName } from '../queues/queues';
import { SegmentsModule } from '../segments/segments.module';
import { SettingsModule } from '../settings/settings.module';
import { SubscriberRepositoriesModule } from '../subscribers/subscriber-repositories.module';
import { TemplatesModule } from '../templates/templates.module';
import { AudienceSlices } from './ab-audience';
import { AbTestSweeper } from './ab-test-sweeper';
import { AbTestsService } from './ab-tests.service';
import { ArchiveMarks } from './archive-marks';
import { AudienceService } from './audience.service';
import { CampaignContentService } from './campaign-content.service';
import { campaignQueueSettings, CampaignJobsService } from './campaign-jobs.service';
import { CampaignMailService } from './campaign-mail.service';
import { CampaignMessagesService } from './campaign-messages.service';
import { CampaignRunsService } from './campaign-runs.service';
import { CampaignSenderService } from './campaign-sender.service';
import { CampaignStopWatch } from './campaign-stop-watch';
import { CampaignSweeper } from './campaign-sweeper.service';
import { Campaign } from './campaign.entity';
import { CampaignRepository } from './campaign.repository';
import { CampaignProcessor } from './campaign.processor';
import { CampaignsController } from './campaigns.controller';
import { CampaignsService } from './campaigns.service';
import { CampaignSampleService } from './campaign-sample.service';
import { TestMailComposer } from './test-mail.composer';
import { CampaignLayouts } from './content-formats/campaign-layouts.service';

/** Campaigns: editing, the audience, and sending in batches on the campaign queue (its own SMTP pool). */
@Module({
  imports: [
    TypeOrmModule.forFeature([Campaign]),
    BullModule.registerQueue({
      name: QueueName.Campaign,
      settings: { ...deliveryQueueSettings, ...campaignQueueSettings },
    }),
    ListsModule,
    SubscriberRepositoriesModule,
    TemplatesModule,
    SettingsModule,
    SegmentsModule,
  ],
  controllers: [CampaignsController],
  providers: [
    CampaignRepository,
    CampaignsService,
    CampaignContentService,
    // Markdown and rich text put into a layout's content slot
    CampaignLayouts,
    CampaignMessagesService,
    CampaignJobsService,
    CampaignRunsService,
    CampaignSenderService,
    CampaignMailService,
    AudienceService,
    CampaignProcessor,
    // a running batch hears of a pause or cancel within a fraction of a second (CampaignSenderService)
    CampaignStopWatch,
    // what Redis lost is queued again from the database (a sweep every 20 s), in every process
    CampaignSweeper,
    // test sends: their sample data, and how the outbox writes them
    CampaignSampleService,
    TestMailComposer,
    ArchiveMarks,
    // A/B tests: hidden child campaigns per variant, moved along from the database (src/campaigns/ab-*)
    AbTestsService,
    AbTestSweeper,
    AudienceSlices,
  ],
  exports: [
    AbTestsService,
    CampaignsService,
    AudienceService,
    CampaignRepository,
    CampaignStopWatch,
    // the public archive renders published campaigns with sample data
    CampaignContentService,
    CampaignMailService,
    // the content step offers the layouts Markdown and rich text can go into
    CampaignLayouts,
  ],
})
export class CampaignsModule {}
