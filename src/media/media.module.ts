import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { join } from 'node:path';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { AppConfig } from '../config/app-config';
import { TemplatesModule } from '../templates/templates.module';
import { DiskMediaStore } from './disk-media-store';
import { MediaFilesController } from './media-files.controller';
import { MediaStore } from './media-store';
import { MediaController } from './media.controller';
import { Media } from './media.entity';
import { MediaRepository } from './media.repository';
import { MediaService } from './media.service';

/** The media library (README, Media): API, public files, and MediaService for the admin pages. */
@Module({
  imports: [TypeOrmModule.forFeature([Media]), CampaignsModule, TemplatesModule],
  controllers: [MediaController, MediaFilesController],
  providers: [
    MediaRepository,
    MediaService,
    {
      provide: MediaStore,
      inject: [AppConfig],
      // The AWS SDK (200 ms and 20 MB to load) only when S3_URL asks for it.
      useFactory: async (config: AppConfig): Promise<MediaStore> =>
        config.s3
          ? new (await import('./s3-media-store')).S3MediaStore(config.s3)
          : new DiskMediaStore(join(config.dataDir, 'media')),
    },
  ],
  exports: [MediaService],
})
export class MediaModule {}
