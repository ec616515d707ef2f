import { Module } from '@nestjs/common';
import { AdminCoreModule } from '../admin-core.module';
import { AdminProfileController } from './admin-profile.controller';

/** Admin UI: the signed-in user's own profile (their time zone). */
@Module({
  imports: [AdminCoreModule],
  controllers: [AdminProfileController],
})
export class AdminProfileModule {}
