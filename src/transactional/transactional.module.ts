import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { TemplatesModule } from '../templates/templates.module';
import { AutomationsModule } from '../automations/automations.module';
import { TransactionalController } from './transactional.controller';
import { TemplateMailComposer } from './template-mail.composer';
import { TransactionalService } from './transactional.service';

/**
 * The order system's mail (POST /api/transactional/messages and /api/orders/events), and how the outbox writes
 * every message made of a template and its data (TemplateMailComposer).
 */
@Module({
  imports: [TemplatesModule, OrdersModule, AutomationsModule],
  controllers: [TransactionalController],
  providers: [TransactionalService, TemplateMailComposer],
})
export class TransactionalModule {}
