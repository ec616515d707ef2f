import { Module } from '@nestjs/common';
import { TemplatesModule } from '../templates/templates.module';
import { TransactionalController } from './transactional.controller';
import { TransactionalProcessor } from './transactional.processor';
import { TransactionalService } from './transactional.service';

/** The order system's mail: POST /api/transactional/messages and /api/orders/events, and their worker. */
@Module({
  imports: [TemplatesModule],
  controllers: [TransactionalController],
  providers: [TransactionalService, TransactionalProcessor],
})
export class TransactionalModule {}
