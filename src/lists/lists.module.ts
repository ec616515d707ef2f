import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Subscription } from '../subscribers/subscription.entity';
import { MailingList } from './list.entity';
import { ListsController } from './lists.controller';
import { ListsService } from './lists.service';

/** ListsService is exported: subscribers, imports and the public sign-up check list ids with assertListsExist. */
@Module({
  imports: [TypeOrmModule.forFeature([MailingList, Subscription])],
  controllers: [ListsController],
  providers: [ListsService],
  exports: [ListsService],
})
export class ListsModule {}
