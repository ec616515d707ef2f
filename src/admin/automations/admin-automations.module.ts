import { Module } from '@nestjs/common';
import { AutomationsModule } from '../../automations/automations.module';
import { ListsModule } from '../../lists/lists.module';
import { TemplatesModule } from '../../templates/templates.module';
import { AdminCoreModule } from '../admin-core.module';
import { AdminAutomationsController } from './admin-automations.controller';

/** Admin UI: the Automations pages. */
@Module({
  imports: [AdminCoreModule, AutomationsModule, ListsModule, TemplatesModule],
  controllers: [AdminAutomationsController],
})
export class AdminAutomationsModule {}
