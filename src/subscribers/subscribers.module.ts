import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ListsModule } from '../lists/lists.module';
import { QueueName } from '../queues/queues';
import { Subscriber } from './subscriber.entity';
import { SubscribersController } from './subscribers.controller';
import { SubscribersService } from './subscribers.service';
import { Subscription } from './subscription.entity';

/** SubscribersService is exported: toViews() gives any feature the contract's view of a subscriber. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Subscriber, Subscription]),
    ListsModule,
    BullModule.registerQueue({ name: QueueName.SystemMail }),
  ],
  controllers: [SubscribersController],
  providers: [SubscribersService],
  exports: [SubscribersService],
})
export class SubscribersModule {}
