import { Module } from '@nestjs/common';
import { ListsModule } from '../../lists/lists.module';
import { SegmentsModule } from '../../segments/segments.module';
import { AdminCoreModule } from '../admin-core.module';
import { AdminSegmentsController } from './admin-segments.controller';

/** Admin UI: the Segments pages (list, rule builder with a live count). */
@Module({
  imports: [AdminCoreModule, SegmentsModule, ListsModule],
  controllers: [AdminSegmentsController],
})
export class AdminSegmentsModule {}
