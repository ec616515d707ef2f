import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SubscriberBulkRepository } from './subscriber-bulk.repository';
import { Subscriber } from './subscriber.entity';
import { SubscriberRepository } from './subscriber.repository';
import { Subscription } from './subscription.entity';
import { SubscriptionRepository } from './subscription.repository';

/**
 * The owner of the subscribers and subscriptions tables, apart from SubscribersModule: ListsModule counts
 * memberships here while SubscribersModule checks lists through ListsModule, so one module holding both
 * would import the other in a circle. Features that read subscribers import this module.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Subscriber, Subscription])],
  providers: [SubscriberRepository, SubscriptionRepository, SubscriberBulkRepository],
  exports: [SubscriberRepository, SubscriptionRepository, SubscriberBulkRepository],
})
export class SubscriberRepositoriesModule {}
