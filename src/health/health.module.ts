import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import { QueueName } from '../queues/queues';
import { HealthController } from './health.controller';

@Module({
  imports: [BullModule.registerQueue({ name: QueueName.SystemMail })],
  controllers: [HealthController],
})
export class HealthModule {}
