import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { FooterNeeds, footerNeeds, withLegalFooter } from '../delivery/legal-footer';
import { MailAddress, OutgoingMail } from '../delivery/mail-sender.service';
import { CampaignRecipient, PersonalizeContext, recipientData, recipientUrls, trackingHooks } from '../delivery/personalize';
import { campaignHeaders, domainOf } from '../delivery/personalize-headers';
import { CompiledTemplate, RendererService } from '../templates/render/renderer.service';
import { TokenService } from '../tokens/token.service';
import { Campaign } from './campaign.entity';

/**
 * One campaign message for one recipient: rendered from the compiled version (no MJML, no search over the
 * HTML), with the recipient's tokens, the campaign headers and the Message-ID `<message id@from domain>`
 * (the same on every attempt).
 */
@Injectable()
export class CampaignMailService {
  private readonly ctx: PersonalizeContext;
  private readonly defaultFrom: MailAddress;

  constructor(
    config: AppConfig,
    tokens: TokenService,
    private readonly renderer: RendererService,
  ) {
    this.ctx = { publicUrl: config.publicUrl, companyAddress: config.companyAddress, tokens };
    this.defaultFrom = parseAddress(config.mailFrom);
  }

  fromOf(campaign: Pick<Campaign, 'fromName' | 'fromEmail'>): MailAddress {
    return { name: campaign.fromName ?? this.defaultFrom.name, address: campaign.fromEmail ?? this.defaultFrom.address };
  }

  messageIdFor(campaign: Pick<Campaign, 'fromName' | 'fromEmail'>, messageId: string): string {
    return `<${messageId}@${domainOf(this.fromOf(campaign).address)}>`;
  }

  /**
   * `list` is the one named in List-Id (the campaign's first list); `tracking` is the recipient's own
   * choice (false: no pixel, no rewritten links); `companyAddress` the one stored in the settings (read once
   * per batch by the caller), else COMPANY_ADDRESS. Throws TemplateDataError when the data does not fit.
   */
  compose(
    campaign: Campaign,
    compiled: CompiledTemplate,
    recipient: CampaignRecipient,
    list: { id: string; name: string },
    tracking: boolean,
    companyAddress?: string,
  ): OutgoingMail {
    const { filled, footer, urls } = this.fill(campaign, compiled, recipient, tracking, companyAddress);
    // What the template left out of a part (the address, the unsubscribe link) is added as a footer.
    const rendered = withLegalFooter(filled, footer);
    const from = this.fromOf(campaign);
    return {
      from,
      to: { name: recipient.name, address: recipient.email },
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      messageId: this.messageIdFor(campaign, recipient.messageId),
      headers: campaignHeaders({ campaignId: campaign.id, unsubscribeUrl: urls.unsubscribeUrl, list, fromAddress: from.address }),
    };
  }

  /** What the legal footer adds to this recipient's mail: what the review step says before sending. */
  footerNeeds(campaign: Campaign, compiled: CompiledTemplate, recipient: CampaignRecipient, companyAddress?: string): FooterNeeds {
    const { filled, footer } = this.fill(campaign, compiled, recipient, false, companyAddress);
    return footerNeeds(filled, footer);
  }

  private fill(campaign: Campaign, compiled: CompiledTemplate, recipient: CampaignRecipient, tracking: boolean, companyAddress?: string) {
    const ctx = companyAddress === undefined ? this.ctx : { ...this.ctx, companyAddress };
    const urls = recipientUrls(ctx, campaign.id, recipient);
    const hooks = trackingHooks(ctx, { trackOpens: Boolean(campaign.trackOpens), trackClicks: Boolean(campaign.trackClicks) }, recipient.messageId, tracking);
    const filled = this.renderer.fill(compiled, recipientData(ctx, campaign, recipient, urls), hooks);
    return { filled, urls, footer: { ...urls, companyAddress: ctx.companyAddress } };
  }
}

/** `News <news@localhost>` or `news@localhost` → name and address. */
export function parseAddress(value: string): MailAddress {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(value);
  return m ? { name: m[1].trim(), address: m[2].trim() } : { name: '', address: value.trim() };
}
