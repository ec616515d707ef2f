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
import { S3MediaStore } from './s3-media-store';

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
      useFactory: (config: AppConfig): MediaStore =>
        config.s3 ? new S3MediaStore(config.s3) : new DiskMediaStore(join(config.dataDir, 'media')),
    },
  ],
  exports: [MediaService],
})
export class MediaModule {}
