import { Module } from '@nestjs/common';
import { UnsubscribeController } from './unsubscribe.controller';
import { UnsubscribeService } from './unsubscribe.service';

/** GET/POST /u/:token, the unsubscribe link every campaign mail carries (List-Unsubscribe, RFC 8058). */
@Module({
  controllers: [UnsubscribeController],
  providers: [UnsubscribeService],
})
export class UnsubscribeModule {}
