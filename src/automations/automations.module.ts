import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { ListsModule } from '../lists/lists.module';
import { SettingsModule } from '../settings/settings.module';
import { SubscriberRepositoriesModule } from '../subscribers/subscriber-repositories.module';
import { AutomationMailComposer } from './automation-mail.composer';
import { AutomationRunner } from './automation-runner.service';
import { AutomationStatsService } from './automation-stats.service';
import { AutomationTriggers } from './automation-triggers.service';
import { Automation } from './automation.entity';
import { AutomationRepository } from './automation.repository';
import { AutomationsController } from './automations.controller';
import { AutomationsService } from './automations.service';
import { AutomationEnrolment } from './enrolment.entity';
import { EnrolmentRepository } from './enrolment.repository';
import { AutomationStepSend } from './step-send.entity';
import { StepSendRepository } from './step-send.repository';

@Module({
  imports: [
    TypeOrmModule.forFeature([Automation, AutomationEnrolment, AutomationStepSend]),
    // step content is resolved and composed as a campaign's is
    CampaignsModule,
    ListsModule,
    SettingsModule,
    SubscriberRepositoriesModule,
  ],
  controllers: [AutomationsController],
  providers: [
    AutomationRepository,
    EnrolmentRepository,
    StepSendRepository,
    AutomationsService,
    AutomationStatsService,
    AutomationTriggers,
    AutomationRunner,
    AutomationMailComposer,
  ],
  // triggers: confirmation (preferences) and order events (transactional); the runner for tests and the bench;
  // the repository for the unsubscribe link of a step's mail
  exports: [AutomationTriggers, AutomationRunner, AutomationsService, AutomationStatsService, AutomationRepository],
})
export class AutomationsModule {}
