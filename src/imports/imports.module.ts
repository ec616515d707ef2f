import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { ListsModule } from '../lists/lists.module';
import { ConsentsModule } from '../preferences/consents.module';
import { QueueName } from '../queues/queues';
import { SubscriberRepositoriesModule } from '../subscribers/subscriber-repositories.module';
import { Import } from './import.entity';
import { ImportRepository } from './import.repository';
import { ImportProcessor } from './import.processor';
import { ImportRunner } from './import-runner';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';
import { uploadOptions } from './upload';

@Module({
  imports: [
    TypeOrmModule.forFeature([Import]),
    BullModule.registerQueue({ name: QueueName.Imports }, { name: QueueName.SystemMail }),
    MulterModule.registerAsync({ inject: [AppConfig], useFactory: uploadOptions }),
    ListsModule,
    // the rows are written by the subscribers' owner (SubscriberBulkRepository)
    SubscriberRepositoriesModule,
    // consent records of people asked to confirm (their owner's repository, without the rest of preferences)
    ConsentsModule,
  ],
  controllers: [ImportsController],
  providers: [ImportRepository, ImportsService, ImportRunner, ImportProcessor],
  exports: [ImportsService, ImportRepository],
})
export class ImportsModule {}
