import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { createHmac } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { UsersModule } from '../users/users.module';
import { AdminExceptionFilter } from './admin-exception.filter';
import { AdminGuard } from './session/admin.guard';
import { AdminSessionService } from './session/admin-session.service';
import { AdminViews } from './views/admin-views.service';

/** What every admin feature module imports: sessions, the guard, the views and the error pages. */
@Module({
  imports: [
    UsersModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      // Session cookies get their own key, so an API access token is never a session and the reverse.
      useFactory: (config: AppConfig) => ({
        secret: createHmac('sha256', config.appSecret).update('admin-session').digest('hex'),
      }),
    }),
  ],
  providers: [AdminSessionService, AdminGuard, AdminViews, AdminExceptionFilter],
  exports: [AdminSessionService, AdminGuard, AdminViews, AdminExceptionFilter, UsersModule],
})
export class AdminCoreModule {}
