import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
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

@Module({
  imports: [
    TypeOrmModule.forFeature([Consent, Subscriber, Subscription, MailingList]),
    BullModule.registerQueue({ name: QueueName.SystemMail }),
    ListsModule,
    TemplatesModule,
  ],
  controllers: [PublicSubscribeController, ConfirmController],
  providers: [SignupService, ConfirmationService, ConfirmMailProcessor],
})
export class PreferencesModule {}
