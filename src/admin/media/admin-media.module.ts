import { Module } from '@nestjs/common';
import { MediaModule } from '../../media/media.module';
import { AdminCoreModule } from '../admin-core.module';
import { AdminMediaController } from './admin-media.controller';

/** Admin UI: the Media page and the JSON routes of the builder's image picker. */
@Module({
  imports: [AdminCoreModule, MediaModule],
  controllers: [AdminMediaController],
})
export class AdminMediaModule {}
