import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SubscriberRepositoriesModule } from '../subscribers/subscriber-repositories.module';
import { BouncesController } from './bounces.controller';
import { BouncesService } from './bounces.service';
import { SoftBounce } from './soft-bounce.entity';
import { SoftBounceRepository } from './soft-bounce.repository';

/** POST /api/events/bounces: bounces and complaints from outside (JSON, DSN, ARF) into the suppression list and the message log. */
@Module({
  imports: [TypeOrmModule.forFeature([SoftBounce]), SubscriberRepositoriesModule],
  controllers: [BouncesController],
  providers: [BouncesService, SoftBounceRepository],
  exports: [SoftBounceRepository],
})
export class BouncesModule {}
