import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module';
import { BouncesModule } from '../../bounces/bounces.module';
import { CampaignsModule } from '../../campaigns/campaigns.module';
import { SettingsModule } from '../../settings/settings.module';
import { TemplatesModule } from '../../templates/templates.module';
import { TrackingModule } from '../../tracking/tracking.module';
import { AdminCoreModule } from '../admin-core.module';
import { CampaignReportController } from './campaign-report.controller';
import { CampaignReportService } from './campaign-report.service';
import { MessageLogPageService } from './message-log-page.service';
import { MessageLogController } from './message-log.controller';
import { SettingsApiKeysController } from './settings-api-keys.controller';
import { SettingsPageService } from './settings-page.service';
import { SettingsUsersController } from './settings-users.controller';
import { SettingsController } from './settings.controller';

/**
 * Admin UI: campaign reports, the message log, and settings (users, API keys, senders, company address).
 * MessagesService comes from the global DeliveryModule.
 */
@Module({
  imports: [
    AdminCoreModule,
    AuthModule,
    BouncesModule,
    TrackingModule,
    CampaignsModule,
    SettingsModule,
    TemplatesModule,
  ],
  controllers: [
    CampaignReportController,
    MessageLogController,
    SettingsController,
    SettingsUsersController,
    SettingsApiKeysController,
  ],
  providers: [CampaignReportService, MessageLogPageService, SettingsPageService],
})
export class AdminResultsModule {}
