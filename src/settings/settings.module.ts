import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BrandedPagesInterceptor } from './branded-pages';
import { Setting } from './setting.entity';
import { SettingRepository } from './setting.repository';
import { SettingsService } from './settings.service';

/**
 * Settings changed in the admin UI (company address, sender addresses, brand), over the configuration's defaults;
 * the brand is put on the readers' pages by a global interceptor that acts only on routes marked BRANDED_PAGE.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Setting])],
  providers: [SettingRepository, SettingsService, { provide: APP_INTERCEPTOR, useClass: BrandedPagesInterceptor }],
  exports: [SettingsService],
})
export class SettingsModule {}
