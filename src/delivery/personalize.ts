import type { RenderHooks } from '../templates/render/render-hooks';
import type { TemplateData } from '../templates/render/template-data';
import type { TokenService } from '../tokens/token.service';

/**
 * What makes one campaign message one recipient's: the data every campaign template gets, the signed
 * URLs (unsubscribe, preferences, open pixel, click), and the hooks the renderer calls for them.
 * Pure functions over a token signer, so they are tested without the app.
 *
 * Token claims (typed in tokens/token-claims.ts; the pages behind /u, /p, /o and /c read them):
 *   unsubscribe {m: messageId, s: subscriberId, c: campaignId}   no expiry
 *   preferences {s: subscriberId}                                 7 days, only ever mailed (preferences-link)
 *   open        {m: messageId}                                    no expiry
 *   click       {m: messageId, u: the exact original URL}         no expiry
 * Test sends and previews get tokens `{t: 1, …}` that name nobody (see testUrls, testTrackingHooks).
 *
 * A campaign mail's `preferencesUrl` is not a preference-centre link: an old or forwarded mail must not
 * open anyone's data. It leads to /u/TOKEN/preferences, a page whose button mails a fresh 7-day link to
 * the address on file (identity verified by the mailbox at that moment).
 */
export type TokenSigner = Pick<TokenService, 'sign'>;

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

export function recipientUrls(
  ctx: PersonalizeContext,
  campaignId: string,
  r: Pick<CampaignRecipient, 'messageId' | 'subscriberId'>,
): RecipientUrls {
  return urlsOf(ctx, ctx.tokens.sign('unsubscribe', { m: r.messageId, s: r.subscriberId, c: campaignId }));
}

/**
 * The links of a test send or a preview: they look like a recipient's but name nobody. The unsubscribe
 * page says it is a test mail and changes nothing; the preferences page likewise.
 */
export function testUrls(ctx: Pick<PersonalizeContext, 'publicUrl' | 'tokens'>, campaignId?: string): RecipientUrls {
  return urlsOf(ctx, ctx.tokens.sign('unsubscribe', campaignId ? { t: 1, c: campaignId } : { t: 1 }));
}

function urlsOf(ctx: Pick<PersonalizeContext, 'publicUrl'>, unsubscribeToken: string): RecipientUrls {
  const base = trimSlash(ctx.publicUrl);
  return {
    unsubscribeUrl: `${base}/u/${unsubscribeToken}`,
    preferencesUrl: `${base}/u/${unsubscribeToken}/preferences`,
  };
}

/**
 * A subscriber's preference-centre link, valid PREFERENCES_TOKEN_TTL_SECONDS. Only the preferences-link
 * mail carries one: it goes to the address on file at that moment, which is what proves the reader.
 */
export function preferencesUrlOf(tokens: TokenSigner, publicUrl: string, claims: { s: string }): string {
  return `${trimSlash(publicUrl)}/p/${tokens.sign('preferences', { s: claims.s }, PREFERENCES_TOKEN_TTL_SECONDS)}`;
}

/** The variables every campaign mail has (contract: Templates and rendering). */
export function recipientData(
  ctx: PersonalizeContext,
  campaign: Pick<CampaignInfo, 'name'>,
  r: CampaignRecipient,
  urls: RecipientUrls,
): TemplateData {
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

/**
 * The hooks of a test send: a pixel and click links like the real ones, whose tokens name no message, so
 * the pixel records nothing and a click only redirects (the editor can check every link).
 */
export function testTrackingHooks(
  ctx: Pick<PersonalizeContext, 'publicUrl' | 'tokens'>,
  campaign: Pick<CampaignInfo, 'trackOpens' | 'trackClicks'>,
): RenderHooks {
  const base = trimSlash(ctx.publicUrl);
  const hooks: RenderHooks = {};
  if (campaign.trackOpens) hooks.openPixel = () => `${base}/o/${ctx.tokens.sign('open', { t: 1 })}`;
  if (campaign.trackClicks) {
    hooks.link = (url) => {
      const u = url.trim();
      if (!/^https?:\/\//i.test(u) || u.startsWith(`${base}/u/`) || u.startsWith(`${base}/p/`)) return url;
      return `${base}/c/${ctx.tokens.sign('click', { t: 1, u })}`;
    };
  }
  return hooks;
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
