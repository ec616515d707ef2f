import { randomUUID } from 'node:crypto';
import { RenderHooks } from '../templates/render/render-hooks';
import { CompiledTemplate, fillTemplate, RenderedMessage } from '../templates/render/renderer.service';
import { FooterNeeds, footerNeeds, withLegalFooter } from './legal-footer';
import type { MailAddress, OutgoingMail } from './mail-sender.service';
import {
  CampaignInfo,
  CampaignRecipient,
  PersonalizeContext,
  RecipientUrls,
  recipientData,
  recipientUrls,
  testTrackingHooks,
  testUrls,
  trackingHooks,
} from './personalize';
import { campaignHeaders, domainOf } from './personalize-headers';

/** What of a campaign its mails are made from. */
export interface ComposedCampaign extends CampaignInfo {
  fromName: string | null;
  fromEmail: string | null;
}

/** The list named in List-Id. */
export interface ListIdList {
  id: string;
  name: string;
}

/**
 * One campaign message for one recipient: rendered from the compiled version (no MJML, no search over the
 * HTML), with the recipient's tokens, the campaign headers and the Message-ID `<message id@from domain>`
 * (the same on every attempt). Plain code over a token signer: it runs in the main thread (tests, previews)
 * and in the SMTP threads (a campaign's messages, see CampaignRenderJob).
 */
export class CampaignComposer {
  private readonly defaultFrom: MailAddress;

  constructor(
    private readonly ctx: PersonalizeContext,
    mailFrom: string,
  ) {
    this.defaultFrom = parseAddress(mailFrom);
  }

  fromOf(campaign: Pick<ComposedCampaign, 'fromName' | 'fromEmail'>): MailAddress {
    return {
      name: campaign.fromName ?? this.defaultFrom.name,
      address: campaign.fromEmail ?? this.defaultFrom.address,
    };
  }

  messageIdFor(campaign: Pick<ComposedCampaign, 'fromName' | 'fromEmail'>, messageId: string): string {
    return `<${messageId}@${domainOf(this.fromOf(campaign).address)}>`;
  }

  /**
   * `list` is the one named in List-Id (the campaign's first list); `tracking` is the recipient's own
   * choice (false: no pixel, no rewritten links); `companyAddress` the one stored in the settings (read once
   * per batch by the caller), else COMPANY_ADDRESS. Throws TemplateDataError when the data does not fit.
   */
  compose(
    campaign: ComposedCampaign,
    compiled: CompiledTemplate,
    recipient: CampaignRecipient,
    list: ListIdList,
    tracking: boolean,
    companyAddress?: string,
  ): OutgoingMail {
    const ctx = this.context(companyAddress);
    const urls = recipientUrls(ctx, campaign.id, recipient);
    const hooks = trackingHooks(
      ctx,
      { trackOpens: Boolean(campaign.trackOpens), trackClicks: Boolean(campaign.trackClicks) },
      recipient.messageId,
      tracking,
    );
    return this.build(ctx, campaign, compiled, recipient, list, urls, hooks);
  }

  /**
   * A test send or a preview: filled with `sample`'s data (a real recipient's, possibly) but every link
   * (unsubscribe, preferences, pixel, clicks) names nobody, so the mail acts on no one whoever gets it.
   */
  composeTest(
    campaign: ComposedCampaign,
    compiled: CompiledTemplate,
    sample: Pick<CampaignRecipient, 'email' | 'name' | 'attributes'>,
    list: ListIdList,
    companyAddress?: string,
  ): OutgoingMail {
    const ctx = this.context(companyAddress);
    const hooks = testTrackingHooks(ctx, {
      trackOpens: Boolean(campaign.trackOpens),
      trackClicks: Boolean(campaign.trackClicks),
    });
    return this.build(ctx, campaign, compiled, testRecipient(sample), list, testUrls(ctx, campaign.id), hooks);
  }

  /**
   * The copy everyone may read (the public archive): `sample`'s data, the given links in place of a recipient's,
   * no open pixel and no click tracking, and the legal footer where the template lacks it.
   */
  renderPublic(
    campaign: Pick<ComposedCampaign, 'name'>,
    compiled: CompiledTemplate,
    sample: Pick<CampaignRecipient, 'email' | 'name' | 'attributes'>,
    urls: RecipientUrls,
    companyAddress?: string,
  ): RenderedMessage {
    const ctx = this.context(companyAddress);
    const filled = fillTemplate(compiled, recipientData(ctx, campaign, testRecipient(sample), urls), {});
    return withLegalFooter(filled, { ...urls, companyAddress: ctx.companyAddress });
  }

  /** What the legal footer adds to a test or preview of this campaign: what the review step says before sending. */
  footerNeeds(
    campaign: ComposedCampaign,
    compiled: CompiledTemplate,
    sample: Pick<CampaignRecipient, 'email' | 'name' | 'attributes'>,
    companyAddress?: string,
  ): FooterNeeds {
    const ctx = this.context(companyAddress);
    const urls = testUrls(ctx, campaign.id);
    const filled = fillTemplate(compiled, recipientData(ctx, campaign, testRecipient(sample), urls), {});
    return footerNeeds(filled, { ...urls, companyAddress: ctx.companyAddress });
  }

  private context(companyAddress: string | undefined): PersonalizeContext {
    return companyAddress === undefined ? this.ctx : { ...this.ctx, companyAddress };
  }

  private build(
    ctx: PersonalizeContext,
    campaign: ComposedCampaign,
    compiled: CompiledTemplate,
    recipient: CampaignRecipient,
    list: ListIdList,
    urls: RecipientUrls,
    hooks: RenderHooks,
  ): OutgoingMail {
    const filled = fillTemplate(compiled, recipientData(ctx, campaign, recipient, urls), hooks);
    // What the template left out of a part (the address, the unsubscribe link) is added as a footer.
    const rendered = withLegalFooter(filled, { ...urls, companyAddress: ctx.companyAddress });
    const from = this.fromOf(campaign);
    return {
      from,
      to: { name: recipient.name, address: recipient.email },
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      messageId: this.messageIdFor(campaign, recipient.messageId),
      ref: recipient.messageId,
      headers: campaignHeaders({
        campaignId: campaign.id,
        unsubscribeUrl: urls.unsubscribeUrl,
        list,
        fromAddress: from.address,
      }),
    };
  }
}

function testRecipient(sample: Pick<CampaignRecipient, 'email' | 'name' | 'attributes'>): CampaignRecipient {
  return { ...sample, messageId: randomUUID(), subscriberId: '' };
}

/** `News <news@localhost>` or `news@localhost` → name and address. */
export function parseAddress(value: string): MailAddress {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(value);
  return m ? { name: m[1].trim(), address: m[2].trim() } : { name: '', address: value.trim() };
}
