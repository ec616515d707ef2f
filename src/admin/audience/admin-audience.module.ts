import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { CampaignsModule } from '../../campaigns/campaigns.module';
import { AppConfig } from '../../config/app-config';
import { ImportsModule } from '../../imports/imports.module';
import { OrdersModule } from '../../orders/orders.module';
import { uploadOptions } from '../../imports/upload';
import { ListsModule } from '../../lists/lists.module';
import { SubscribersModule } from '../../subscribers/subscribers.module';
import { AdminCoreModule } from '../admin-core.module';
import { DashboardService } from '../dashboard/dashboard.service';
import { AdminImportsController } from './admin-imports.controller';
import { AdminListsController } from './admin-lists.controller';
import { AdminSubscribersController } from './admin-subscribers.controller';
import { ImportProgressService } from './import-progress.service';
import { ListExportService } from './list-export.service';

/**
 * Admin UI: Lists, subscribers, imports and exports, and the dashboard's numbers (DashboardService,
 * exported for the dashboard controller in AdminModule). Uploads go to disk with the API's limits.
 */
@Module({
  imports: [
    AdminCoreModule,
    ListsModule,
    SubscribersModule,
    ImportsModule,
    CampaignsModule,
    OrdersModule,
    MulterModule.registerAsync({ inject: [AppConfig], useFactory: uploadOptions }),
  ],
  controllers: [AdminListsController, AdminSubscribersController, AdminImportsController],
  providers: [ListExportService, ImportProgressService, DashboardService],
  exports: [DashboardService],
})
export class AdminAudienceModule {}
