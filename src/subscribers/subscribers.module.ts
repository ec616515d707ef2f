import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Subscriber } from './subscriber.entity';
import { Subscription } from './subscription.entity';

@Module({ imports: [TypeOrmModule.forFeature([Subscriber, Subscription])] })
export class SubscribersModule {}
