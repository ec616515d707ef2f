import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailingList } from './list.entity';

@Module({ imports: [TypeOrmModule.forFeature([MailingList])] })
export class ListsModule {}
