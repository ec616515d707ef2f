import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Setting } from './setting.entity';
import { SettingRepository } from './setting.repository';
import { SettingsService } from './settings.service';

/** Settings changed in the admin UI (company address, sender addresses), over the configuration's defaults. */
@Module({
  imports: [TypeOrmModule.forFeature([Setting])],
  providers: [SettingRepository, SettingsService],
  exports: [SettingsService],
})
export class SettingsModule {}
