import type { PreparedTemplate } from '../templates/render/renderer.service';
import type { ComposedCampaign, ListIdList } from './campaign-composer';
import type { CampaignRecipient } from './personalize';

/** What every message of one campaign batch is composed from: copied to each SMTP thread once per batch. */
export interface CampaignRenderSetup {
  /** unique to the batch run: names the setup in the threads */
  key: string;
  campaign: ComposedCampaign;
  template: PreparedTemplate;
  list: ListIdList;
  /** the settings' company address, else COMPANY_ADDRESS */
  companyAddress?: string;
}

/**
 * One campaign message, composed (CampaignComposer) and sent by an SMTP thread: the main thread hands over
 * the recipient, not 30 KB of rendered mail, and spends no time rendering.
 */
export interface CampaignRenderJob {
  setup: CampaignRenderSetup;
  recipient: CampaignRecipient;
  /** the recipient's own choice about tracking */
  tracking: boolean;
}

/** The recipient's data did not fit the template (or it cannot be rendered): sending again will not help. */
export class ComposeError extends Error {
  readonly composeFailed = true;
}

export function isComposeError(err: unknown): boolean {
  return (err as { composeFailed?: unknown } | null)?.composeFailed === true;
}
