import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { ListsModule } from '../lists/lists.module';
import { QueueName } from '../queues/queues';
import { Import } from './import.entity';
import { ImportProcessor } from './import.processor';
import { ImportRunner } from './import-runner';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';
import { uploadOptions } from './upload';
import { ImportWriters } from './writers/import-writers';

@Module({
  imports: [
    TypeOrmModule.forFeature([Import]),
    BullModule.registerQueue({ name: QueueName.Imports }),
    MulterModule.registerAsync({ inject: [AppConfig], useFactory: uploadOptions }),
    ListsModule,
  ],
  controllers: [ImportsController],
  providers: [ImportsService, ImportRunner, ImportProcessor, ImportWriters],
  exports: [ImportsService],
})
export class ImportsModule {}
