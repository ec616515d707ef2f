import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SubscriberRepositoriesModule } from '../subscribers/subscriber-repositories.module';
import { MailingList } from './list.entity';
import { ListRepository } from './list.repository';
import { ListsController } from './lists.controller';
import { ListsService } from './lists.service';

/**
 * ListsService is exported: subscribers, imports and the public sign-up check list ids with assertListsExist;
 * ListRepository for the features that read lists. Member counts come from the subscriptions' owner.
 */
@Module({
  imports: [TypeOrmModule.forFeature([MailingList]), SubscriberRepositoriesModule],
  controllers: [ListsController],
  providers: [ListsService, ListRepository],
  exports: [ListsService, ListRepository],
})
export class ListsModule {}
