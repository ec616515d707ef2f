import { Module } from '@nestjs/common';
import { AutomationsModule } from '../automations/automations.module';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { ListsModule } from '../lists/lists.module';
import { SubscriberRepositoriesModule } from '../subscribers/subscriber-repositories.module';
import { PreferencesModule } from './preferences.module';
import { UnsubscribeController } from './unsubscribe.controller';
import { UnsubscribeService } from './unsubscribe.service';

/**
 * GET/POST /u/:token, the unsubscribe link every campaign mail carries (List-Unsubscribe, RFC 8058), and
 * /u/:token/preferences, the mail's way to ask for a preference-centre link.
 */
@Module({
  imports: [PreferencesModule, CampaignsModule, SubscriberRepositoriesModule, ListsModule, AutomationsModule],
  controllers: [UnsubscribeController],
  providers: [UnsubscribeService],
})
export class UnsubscribeModule {}
