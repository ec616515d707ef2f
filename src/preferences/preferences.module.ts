import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BouncesModule } from '../bounces/bounces.module';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { MailingList } from '../lists/list.entity';
import { ListsModule } from '../lists/lists.module';
import { QueueName } from '../queues/queues';
import { Subscriber } from '../subscribers/subscriber.entity';
import { Subscription } from '../subscribers/subscription.entity';
import { ConfirmController } from './confirm.controller';
import { ConfirmMailProcessor } from './confirm-mail.processor';
import { ConfirmationService } from './confirmation.service';
import { Consent } from './consent.entity';
import { PublicSubscribeController } from './public-subscribe.controller';
import { SignupService } from './signup.service';
import { TemplatesModule } from '../templates/templates.module';
import { DataExportService } from './data-export.service';
import { ErasureService } from './erasure.service';
import { PreferenceCentreController } from './preference-centre.controller';
import { PreferenceCentreService } from './preference-centre.service';
import { PreferencesLinkController } from './preferences-link.controller';
import { PreferencesLinkProcessor } from './preferences-link.processor';
import { PreferencesLinkService } from './preferences-link.service';
import { SettingsModule } from '../settings/settings.module';

@Module({
  imports: [
    TypeOrmModule.forFeature([Consent, Subscriber, Subscription, MailingList]),
    BullModule.registerQueue({ name: QueueName.SystemMail }),
    ListsModule,
    TemplatesModule,
    SettingsModule,
    CampaignsModule,
    BouncesModule,
  ],
  controllers: [PublicSubscribeController, ConfirmController, PreferencesLinkController, PreferenceCentreController],
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
  exports: [PreferencesLinkService],
})
export class PreferencesModule {}
