import { Module } from '@nestjs/common';
import { SubscriberRepositoriesModule } from '../subscribers/subscriber-repositories.module';
import { BouncesController } from './bounces.controller';
import { BouncesService } from './bounces.service';

/** POST /api/events/bounces: bounces and complaints from outside (JSON, DSN, ARF) into the suppression list and the message log. */
@Module({
  imports: [SubscriberRepositoriesModule],
  controllers: [BouncesController],
  providers: [BouncesService],
})
export class BouncesModule {}
