import { DynamicModule, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from './config/app-config';
import { CampaignsModule } from './campaigns/campaigns.module';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DeliveryModule } from './delivery/delivery.module';
import { HealthModule } from './health/health.module';
import { ImportsModule } from './imports/imports.module';
import { ListsModule } from './lists/lists.module';
import { PreferencesModule } from './preferences/preferences.module';
import { QueuesModule } from './queues/queues.module';
import { RedisConnection } from './queues/redis-connection';
import { SubscribersModule } from './subscribers/subscribers.module';
import { TemplatesModule } from './templates/templates.module';
import { TokensModule } from './tokens/tokens.module';
import { TrackingModule } from './tracking/tracking.module';
import { UnsubscribeModule } from './preferences/unsubscribe.module';
import { TransactionalModule } from './transactional/transactional.module';
import { AdminModule } from './admin/admin.module';
import { ArchiveModule } from './archive/archive.module';
import { AuthModule } from './auth/auth.module';
import { BouncesModule } from './bounces/bounces.module';
import { ReportsModule } from './reports/reports.module';
import { SettingsModule } from './settings/settings.module';
import { loggerOptions } from './common/logger-options';
import { MediaModule } from './media/media.module';
import { SegmentsModule } from './segments/segments.module';
import { AutomationsModule } from './automations/automations.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, redis: RedisConnection): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(config)),
        // Limits are set per route with @Throttle; this is the generous default for those that use the guard.
        ThrottlerModule.forRoot([{ name: 'default', ttl: 60_000, limit: 120 }]),
        DatabaseModule,
        QueuesModule.forRoot(redis),
        TokensModule,
        DeliveryModule,
        AuthModule,
        ListsModule,
        SubscribersModule,
        ImportsModule,
        PreferencesModule,
        TemplatesModule,
        TransactionalModule,
        CampaignsModule,
        TrackingModule,
        UnsubscribeModule,
        HealthModule,
        BouncesModule,
        ReportsModule,
        SettingsModule,
        ArchiveModule,
        MediaModule,
        SegmentsModule,
        AutomationsModule,
        AdminModule,
      ],
    };
  }
}
