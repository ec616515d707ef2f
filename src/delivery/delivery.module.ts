import { BullModule } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { deliveryQueueSettings, QueueName } from '../queues/queues';
import { MailComposers } from './mail-composers';
import { MailSender } from './mail-sender.service';
import { MessageEvent } from './message-event.entity';
import { MessageEventRepository } from './message-event.repository';
import { Message } from './message.entity';
import { MessageRepository } from './message.repository';
import { MessageLogService } from './message-log.service';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';
import { OutboxProcessor } from './outbox.processor';
import { OutboxService } from './outbox.service';
import { Suppression } from './suppression.entity';
import { SuppressionRepository } from './suppression.repository';
import { SuppressionService } from './suppression.service';

/**
 * How mail leaves: the outbox (OutboxService: a message row, then its job; OutboxProcessor sends it with what
 * the kind's feature registered in MailComposers) and, under it, MailSender; who must not get campaign mail
 * (SuppressionService); and the message log. Owns the tables messages, message_events and suppressions
 * (their repositories, exported to every feature).
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([Message, MessageEvent, Suppression]),
    BullModule.registerQueue({ name: QueueName.Transactional, settings: deliveryQueueSettings }),
  ],
  controllers: [MessagesController],
  providers: [
    MessageRepository,
    MessageEventRepository,
    SuppressionRepository,
    MailSender,
    SuppressionService,
    MessageLogService,
    MessagesService,
    MailComposers,
    OutboxService,
    OutboxProcessor,
  ],
  exports: [
    MessageRepository,
    MessageEventRepository,
    SuppressionRepository,
    MailSender,
    SuppressionService,
    MessageLogService,
    MessagesService,
    MailComposers,
    OutboxService,
    BullModule,
  ],
})
export class DeliveryModule {}
