import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { CampaignComposer } from '../delivery/campaign-composer';
import { TokenService } from '../tokens/token.service';

export { parseAddress } from '../delivery/campaign-composer';

/**
 * The campaign composer (delivery/campaign-composer.ts) of the main thread, with the app's configuration and
 * token signer: test sends, previews and the review step's footer notice. A campaign's own messages are
 * composed in the SMTP threads, by the same code.
 */
@Injectable()
export class CampaignMailService extends CampaignComposer {
  constructor(config: AppConfig, tokens: TokenService) {
    super({ publicUrl: config.publicUrl, companyAddress: config.companyAddress, tokens }, config.mailFrom);
  }
}
