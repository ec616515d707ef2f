import { Module } from '@nestjs/common';
import { SegmentsModule } from '../../segments/segments.module';
import { CampaignsModule } from '../../campaigns/campaigns.module';
import { ListsModule } from '../../lists/lists.module';
import { SettingsModule } from '../../settings/settings.module';
import { TemplatesModule } from '../../templates/templates.module';
import { AdminCoreModule } from '../admin-core.module';
import { AdminCampaignAbTestController } from './admin-campaign-ab-test.controller';
import { AdminCampaignArchiveController } from './admin-campaign-archive.controller';
import { AdminCampaignStepsController } from './admin-campaign-steps.controller';
import { AdminCampaignsController } from './admin-campaigns.controller';
import { AdminComposeController } from './admin-compose.controller';
import { AdminTemplatesController } from './admin-templates.controller';
import { CampaignPages } from './campaign-pages.service';
import { ContentStep } from './content-step.service';
import { TemplatePreviewService } from './template-preview.service';

/** Admin UI: Templates (MJML editor with live preview) and campaigns (compose, audience, settings, review, send, progress). */
@Module({
  imports: [AdminCoreModule, TemplatesModule, CampaignsModule, ListsModule, SettingsModule, SegmentsModule],
  controllers: [
    AdminTemplatesController,
    AdminCampaignsController,
    AdminCampaignStepsController,
    AdminComposeController,
    AdminCampaignArchiveController,
    AdminCampaignAbTestController,
  ],
  providers: [TemplatePreviewService, CampaignPages, ContentStep],
})
export class AdminContentModule {}
