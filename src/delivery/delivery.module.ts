import { BullModule } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { deliveryQueueSettings, QueueName } from '../queues/queues';
import { MailSender } from './mail-sender.service';
import { MessageEvent } from './message-event.entity';
import { Message } from './message.entity';
import { MessageLogService } from './message-log.service';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';
import { Suppression } from './suppression.entity';
import { SuppressionService } from './suppression.service';

/** How mail leaves (MailSender), who must not get campaign mail (SuppressionService), and the message log. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([Message, MessageEvent, Suppression]),
    BullModule.registerQueue({ name: QueueName.Transactional, settings: deliveryQueueSettings }),
  ],
  controllers: [MessagesController],
  providers: [MailSender, SuppressionService, MessageLogService, MessagesService],
  exports: [MailSender, SuppressionService, MessageLogService, MessagesService, BullModule],
})
export class DeliveryModule {}
