import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SubscriberRepositoriesModule } from '../subscribers/subscriber-repositories.module';
import { Segment } from './segment.entity';
import { SegmentRepository } from './segment.repository';
import { SegmentSnapshotRepository } from './segment-snapshot.repository';
import { SegmentsController } from './segments.controller';
import { SegmentsService } from './segments.service';

/** Saved segments (/api/segments), and their rules as SQL for a campaign's audience. */
@Module({
  imports: [TypeOrmModule.forFeature([Segment]), SubscriberRepositoriesModule],
  controllers: [SegmentsController],
  providers: [SegmentRepository, SegmentSnapshotRepository, SegmentsService],
  exports: [SegmentsService],
})
export class SegmentsModule {}
