import { Module } from '@nestjs/common';
import { BouncesModule } from '../../bounces/bounces.module';
import { AdminCoreModule } from '../admin-core.module';
import { AdminBouncesController } from './admin-bounces.controller';
import { BouncesPageService } from './bounces-page.service';
import { LiftSuppressionService } from './lift-suppression.service';

/** Admin UI: the Bounces page. Messages and the suppression list come from the global DeliveryModule. */
@Module({
  imports: [AdminCoreModule, BouncesModule],
  controllers: [AdminBouncesController],
  providers: [BouncesPageService, LiftSuppressionService],
})
export class AdminBouncesModule {}
