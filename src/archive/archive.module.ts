import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { SettingsModule } from '../settings/settings.module';
import { ArchiveController } from './archive.controller';
import { ArchiveService } from './archive.service';

/** The public archive of newsletters and its RSS feed; it reads campaigns through their module, owns no table. */
@Module({
  imports: [CampaignsModule, SettingsModule],
  controllers: [ArchiveController],
  providers: [ArchiveService],
})
export class ArchiveModule {}
