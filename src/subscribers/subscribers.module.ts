import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { ListsModule } from '../lists/lists.module';
import { QueueName } from '../queues/queues';
import { SubscriberRepositoriesModule } from './subscriber-repositories.module';
import { SubscribersController } from './subscribers.controller';
import { SubscribersService } from './subscribers.service';

/**
 * SubscribersService is exported: toViews() gives any feature the contract's view of a subscriber. The tables'
 * repositories are in SubscriberRepositoriesModule (re-exported here).
 */
@Module({
  imports: [SubscriberRepositoriesModule, ListsModule, BullModule.registerQueue({ name: QueueName.SystemMail })],
  controllers: [SubscribersController],
  providers: [SubscribersService],
  exports: [SubscribersService, SubscriberRepositoriesModule],
})
export class SubscribersModule {}
