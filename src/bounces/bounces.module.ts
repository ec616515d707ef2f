import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SubscriberRepositoriesModule } from '../subscribers/subscriber-repositories.module';
import { BouncesController } from './bounces.controller';
import { BouncesService } from './bounces.service';
import { Bounce } from './bounce.entity';
import { BounceRepository } from './bounce.repository';
import { SoftBounce } from './soft-bounce.entity';
import { SoftBounceRepository } from './soft-bounce.repository';

/** POST /api/events/bounces: bounces and complaints from outside (JSON, DSN, ARF) into the suppression list and the message log. */
@Module({
  imports: [TypeOrmModule.forFeature([SoftBounce, Bounce]), SubscriberRepositoriesModule],
  controllers: [BouncesController],
  providers: [BouncesService, SoftBounceRepository, BounceRepository],
  exports: [SoftBounceRepository, BounceRepository],
})
export class BouncesModule {}
