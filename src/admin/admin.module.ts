import { Module } from '@nestjs/common';
import { AdminSegmentsModule } from './segments/admin-segments.module';
import { AuthModule } from '../auth/auth.module';
import { AdminAuthController, RootController } from './admin-auth.controller';
import { AdminCoreModule } from './admin-core.module';
import { AdminAudienceModule } from './audience/admin-audience.module';
import { AdminBouncesModule } from './bounces/admin-bounces.module';
import { AdminContentModule } from './content/admin-content.module';
import { DashboardController } from './dashboard/dashboard.controller';
import { AdminProfileModule } from './profile/admin-profile.module';
import { AdminResultsModule } from './results/admin-results.module';
import { AdminMediaModule } from './media/admin-media.module';
import { AdminAutomationsModule } from './automations/admin-automations.module';

/**
 * The editors' UI at /admin: server-rendered pages (Handlebars views) over the same services the API
 * uses, with a session cookie instead of bearer tokens.
 */
@Module({
  imports: [
    AuthModule,
    AdminCoreModule,
    AdminAudienceModule,
    AdminContentModule,
    AdminResultsModule,
    AdminBouncesModule,
    AdminProfileModule,
    AdminMediaModule,
    AdminSegmentsModule,
    AdminAutomationsModule,
  ],
  controllers: [RootController, AdminAuthController, DashboardController],
})
export class AdminModule {}
