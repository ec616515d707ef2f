import type { RenderHooks } from '../templates/render/render-hooks';
import type { TemplateData } from '../templates/render/template-data';
import type { TokenPurpose } from '../tokens/token.service';

/**
 * What makes one campaign message one recipient's: the data every campaign template gets, the signed
 * URLs (unsubscribe, preferences, open pixel, click), and the hooks the renderer calls for them.
 * Pure functions over a token signer, so they are tested without the app.
 *
 * Token payloads (the pages behind /u, /p, /o and /c read them):
 *   unsubscribe {m: messageId, s: subscriberId, c: campaignId}   no expiry
 *   preferences {s: subscriberId, m: messageId}                   7 days
 *   open        {m: messageId}                                    no expiry
 *   click       {m: messageId, u: the exact original URL}         no expiry
 */
export interface TokenSigner {
  sign(purpose: TokenPurpose, payload: Record<string, unknown>, ttlSeconds?: number): string;
}

export const PREFERENCES_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

export interface PersonalizeContext {
  /** PUBLIC_URL without a trailing slash */
  publicUrl: string;
  companyAddress: string;
  tokens: TokenSigner;
}

export interface CampaignRecipient {
  messageId: string;
  subscriberId: string;
  email: string;
  name: string;
  attributes: Record<string, unknown>;
}

/** Who previews show a campaign mail to when there is no real recipient to take the data from. */
export const SAMPLE_RECIPIENT: Readonly<Pick<CampaignRecipient, 'email' | 'name' | 'attributes'>> = {
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  attributes: { city: 'London' },
};

export interface CampaignInfo {
  id: string;
  name: string;
  trackOpens: boolean;
  trackClicks: boolean;
}

export interface RecipientUrls {
  unsubscribeUrl: string;
  preferencesUrl: string;
}

export function recipientUrls(ctx: PersonalizeContext, campaignId: string, r: Pick<CampaignRecipient, 'messageId' | 'subscriberId'>): RecipientUrls {
  const base = trimSlash(ctx.publicUrl);
  const unsubscribe = ctx.tokens.sign('unsubscribe', { m: r.messageId, s: r.subscriberId, c: campaignId });
  return { unsubscribeUrl: `${base}/u/${unsubscribe}`, preferencesUrl: preferencesUrlOf(ctx.tokens, base, { s: r.subscriberId, m: r.messageId }) };
}

/**
 * A subscriber's preference-centre link, valid PREFERENCES_TOKEN_TTL_SECONDS: from a campaign mail (`m`
 * names the message) or asked for by address (no message).
 */
export function preferencesUrlOf(tokens: TokenSigner, publicUrl: string, claims: { s: string; m?: string }): string {
  return `${trimSlash(publicUrl)}/p/${tokens.sign('preferences', claims, PREFERENCES_TOKEN_TTL_SECONDS)}`;
}

/** The variables every campaign mail has (contract: Templates and rendering). */
export function recipientData(ctx: PersonalizeContext, campaign: Pick<CampaignInfo, 'name'>, r: CampaignRecipient, urls: RecipientUrls): TemplateData {
  return {
    subscriber: { email: r.email, name: r.name, attributes: r.attributes ?? {} },
    unsubscribeUrl: urls.unsubscribeUrl,
    preferencesUrl: urls.preferencesUrl,
    companyAddress: ctx.companyAddress,
    campaign: { name: campaign.name },
  };
}

/**
 * The renderer hooks for one message. `tracking` is the recipient's own choice (the preference centre's
 * "turn tracking off"): false gives no pixel and no rewritten links whatever the campaign asks.
 */
export function trackingHooks(
  ctx: PersonalizeContext,
  campaign: Pick<CampaignInfo, 'trackOpens' | 'trackClicks'>,
  messageId: string,
  tracking: boolean,
): RenderHooks {
  const base = trimSlash(ctx.publicUrl);
  const hooks: RenderHooks = {};
  if (!tracking) return hooks;
  if (campaign.trackOpens) hooks.openPixel = () => `${base}/o/${ctx.tokens.sign('open', { m: messageId })}`;
  if (campaign.trackClicks) {
    const own = [`${base}/u/`, `${base}/p/`];
    hooks.link = (url) => {
      const u = url.trim();
      if (!/^https?:\/\//i.test(u) || own.some((prefix) => u.startsWith(prefix))) return url;
      return `${base}/c/${ctx.tokens.sign('click', { m: messageId, u })}`;
    };
  }
  return hooks;
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
