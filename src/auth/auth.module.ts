import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createHmac } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { UsersModule } from '../users/users.module';
import { ApiKey } from './api-key.entity';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginLimiter } from './login-limiter.service';

@Module({
  imports: [
    UsersModule,
    TypeOrmModule.forFeature([ApiKey]),
    JwtModule.registerAsync({
      inject: [AppConfig],
      // Access tokens get their own key derived from APP_SECRET.
      useFactory: (config: AppConfig) => ({
        secret: createHmac('sha256', config.appSecret).update('access-token').digest('hex'),
      }),
    }),
  ],
  controllers: [AuthController, ApiKeysController],
  providers: [AuthService, ApiKeyRepository, ApiKeysService, LoginLimiter, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, ApiKeysService],
})
export class AuthModule {}
