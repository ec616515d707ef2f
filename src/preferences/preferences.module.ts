import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { BouncesModule } from '../bounces/bounces.module';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { ImportsModule } from '../imports/imports.module';
import { ListsModule } from '../lists/lists.module';
import { OrdersModule } from '../orders/orders.module';
import { QueueName } from '../queues/queues';
import { SubscriberRepositoriesModule } from '../subscribers/subscriber-repositories.module';
import { ConfirmController } from './confirm.controller';
import { ConfirmMailProcessor } from './confirm-mail.processor';
import { ConfirmationService } from './confirmation.service';
import { ConsentsModule } from './consents.module';
import { PublicSubscribeController } from './public-subscribe.controller';
import { SignupService } from './signup.service';
import { TemplatesModule } from '../templates/templates.module';
import { DataExportService } from './data-export.service';
import { ErasureService } from './erasure.service';
import { PreferenceCentreController } from './preference-centre.controller';
import { PreferenceCentreService } from './preference-centre.service';
import { PreferencesLinkController } from './preferences-link.controller';
import { PreferencesLinkPageController } from './preferences-link-page.controller';
import { PreferencesLinkProcessor } from './preferences-link.processor';
import { PreferencesLinkService } from './preferences-link.service';
import { SettingsModule } from '../settings/settings.module';
import { AutomationsModule } from '../automations/automations.module';

@Module({
  imports: [
    ConsentsModule,
    BullModule.registerQueue({ name: QueueName.SystemMail }),
    ListsModule,
    SubscriberRepositoriesModule,
    // erasure cuts the address out of import error lists
    ImportsModule,
    TemplatesModule,
    SettingsModule,
    CampaignsModule,
    BouncesModule,
    // the order history is exported and erased with the person
    OrdersModule,
    AutomationsModule,
  ],
  controllers: [
    PublicSubscribeController,
    ConfirmController,
    PreferencesLinkController,
    PreferencesLinkPageController,
    PreferenceCentreController,
  ],
  providers: [
    SignupService,
    ConfirmationService,
    ConfirmMailProcessor,
    // the preference centre: its link mail, the page, the download and erasure
    PreferencesLinkService,
    PreferencesLinkProcessor,
    PreferenceCentreService,
    DataExportService,
    ErasureService,
  ],
  // the unsubscribe page's "email me a link to my preferences" goes the same way as the public request
  exports: [PreferencesLinkService, ConsentsModule],
})
export class PreferencesModule {}
