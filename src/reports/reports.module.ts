import { Module } from '@nestjs/common';
import { ListsModule } from '../lists/lists.module';
import { SubscriberRepositoriesModule } from '../subscribers/subscriber-repositories.module';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

/** Aggregate reports that may leave the service: GET /api/reports/audience. */
@Module({
  imports: [SubscriberRepositoriesModule, ListsModule],
  controllers: [ReportsController],
  providers: [ReportsService],
})
export class ReportsModule {}
