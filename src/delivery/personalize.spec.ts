import { AppConfig } from '../config/app-config';
import { MjmlCompiler } from '../templates/render/mjml-compiler';
import { RendererService, TemplateSource } from '../templates/render/renderer.service';
import { TokenService } from '../tokens/token.service';
import { campaignHeaders, domainOf, listId } from './personalize-headers';
import { withLegalFooter } from './legal-footer';
import { addPixel, campaignHtmlPass, wrapLinks } from './personalize-html';
import {
  CampaignRecipient,
  PersonalizeContext,
  preferencesUrlOf,
  recipientData,
  recipientUrls,
  testTrackingHooks,
  testUrls,
  trackingHooks,
} from './personalize';

const PUBLIC = 'https://mail.shop.test';
const tokens = new TokenService({ appSecret: 'personalize-spec-secret-personalize-spec' } as AppConfig);
const ctx: PersonalizeContext = { publicUrl: PUBLIC, companyAddress: 'Shop Ltd, 1 High St', tokens };
const campaign = { id: '3f0c8a54-35a4-4a7b-9a55-1c1b0e0b7a11', name: 'Spring', trackOpens: true, trackClicks: true };
const recipient = (n: number): CampaignRecipient => ({
  messageId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  subscriberId: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  email: `r${n}@example.com`,
  name: n % 2 ? `Reader <${n}>` : '',
  attributes: { city: 'Oslo' },
});

const body = (inner: string) =>
  `<mjml><mj-body><mj-section><mj-column>${inner}</mj-column></mj-section></mj-body></mjml>`;

function setup() {
  const mjml = new MjmlCompiler();
  const renderer = new RendererService(mjml);
  const render = async (
    mjmlSource: string,
    r: CampaignRecipient,
    opts: { tracking?: boolean; trackOpens?: boolean; trackClicks?: boolean } = {},
  ) => {
    const source: TemplateSource = {
      versionId: `v:${mjmlSource}`,
      subject: 'Hi {{subscriber.name}}',
      mjml: mjmlSource,
      htmlPass: campaignHtmlPass,
    };
    const compiled = await renderer.compile(source);
    const urls = recipientUrls(ctx, campaign.id, r);
    const hooks = trackingHooks(ctx, { ...campaign, ...opts }, r.messageId, opts.tracking ?? true);
    const filled = renderer.fill(compiled, recipientData(ctx, campaign, r, urls), hooks);
    return { ...withLegalFooter(filled, { ...urls, companyAddress: ctx.companyAddress }), urls };
  };
  return { mjml, renderer, render };
}

/** The target of every click URL in `s`, verified as the click token of `messageId`. */
function clickTargets(s: string, messageId: string): string[] {
  return [...s.matchAll(/https:\/\/mail\.shop\.test\/c\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/g)].map((m) => {
    const payload = tokens.verify('click', m[1]);
    expect(payload && 'm' in payload && payload.m).toBe(messageId);
    return payload!.u;
  });
}

describe('the campaign HTML pass', () => {
  it('puts the open pixel right after the body tag', () => {
    expect(addPixel('<html><body style="x"><div>a</div></body></html>')).toBe(
      '<html><body style="x">{{openPixel}}<div>a</div></body></html>',
    );
  });

  it('wraps web links, including ones holding mustaches, and leaves mailto, tel, anchors and the opt-out links alone', () => {
    const html = [
      '<a href="https://a.test/x?y=1&amp;z=2">a</a>',
      "<a class='c' href='http://b.test'>b</a>",
      '<a href="{{product.url}}">c</a>',
      '<a href="mailto:help@shop.test">d</a>',
      '<a href="tel:+441234">e</a>',
      '<a href="#top">f</a>',
      '<a href="{{unsubscribeUrl}}">g</a>',
      '<a href="{{{ preferencesUrl }}}">h</a>',
      '<link href="https://fonts.test/css" rel="stylesheet">',
    ].join('');
    const out = wrapLinks(html);
    expect(out).toContain('<a href="{{#trackedLink}}https://a.test/x?y=1&amp;z=2{{/trackedLink}}">a</a>');
    expect(out).toContain("<a class='c' href='{{#trackedLink}}http://b.test{{/trackedLink}}'>b</a>");
    expect(out).toContain('<a href="{{#trackedLink}}{{product.url}}{{/trackedLink}}">c</a>');
    for (const kept of [
      'mailto:help@shop.test',
      'tel:+441234',
      '#top',
      '{{unsubscribeUrl}}',
      '{{{ preferencesUrl }}}',
      'https://fonts.test/css',
    ]) {
      expect(out).toContain(`href="${kept}"`);
    }
  });
});

describe('a personalised campaign message', () => {
  const template = body(`
    <mj-text>Hello {{subscriber.name}} from {{subscriber.attributes.city}}.
      <a href="https://shop.test/sale?a=1&b=2#top">Sale</a>
      <a href="{{subscriber.attributes.link}}">Yours</a>
      <a href="mailto:help@shop.test">Mail us</a>
      <a href="{{preferencesUrl}}">Preferences</a>
    </mj-text>
    <mj-button href="https://shop.test/cta">Shop now</mj-button>`);

  it('tracks every web link with a token naming the message and the exact URL, in HTML and text', async () => {
    const { render } = setup();
    const r = recipient(1);
    const out = await render(template, {
      ...r,
      attributes: { city: 'Oslo', link: 'https://shop.test/p?id=7&ref=mail' },
    });
    expect(clickTargets(out.html, r.messageId).sort()).toEqual([
      'https://shop.test/cta',
      'https://shop.test/p?id=7&ref=mail',
      'https://shop.test/sale?a=1&b=2#top',
    ]);
    expect(clickTargets(out.text, r.messageId).sort()).toEqual([
      'https://shop.test/cta',
      'https://shop.test/p?id=7&ref=mail',
      'https://shop.test/sale?a=1&b=2#top',
    ]);
    expect(out.html).not.toContain('href="https://shop.test');
    expect(out.html).toContain('href="mailto:help@shop.test"');
    // The preference link is the recipient's own, never a click URL.
    expect(out.html).toContain(`href="${out.urls.preferencesUrl}"`);
    expect(out.html).toContain('Hello Reader &lt;1&gt; from Oslo.');
  });

  it('has the open pixel at the top of the body, signed for this message', async () => {
    const { render } = setup();
    const r = recipient(2);
    const out = await render(template, r);
    const m = /<body[^>]*><img src="https:\/\/mail\.shop\.test\/o\/([^"]+)" width="1" height="1" alt=""/.exec(out.html);
    expect(m).not.toBeNull();
    expect(tokens.verify('open', m![1])).toEqual({ m: r.messageId });
    expect(out.text).not.toContain('/o/');
  });

  it('gets the footer with the unsubscribe link and the company address when the template has none', async () => {
    const { render } = setup();
    const r = recipient(3);
    const out = await render(template, r);
    expect(out.html).toContain(`href="${out.urls.unsubscribeUrl}"`);
    expect(out.html).toContain('Shop Ltd, 1 High St');
    expect(out.text).toContain(out.urls.unsubscribeUrl);
    const token = out.urls.unsubscribeUrl.slice(`${PUBLIC}/u/`.length);
    expect(tokens.verify('unsubscribe', token)).toEqual({ m: r.messageId, s: r.subscriberId, c: campaign.id });
  });

  it('keeps an unsubscribe link of the template itself untracked, adds no second one, and still adds the address', async () => {
    const { render } = setup();
    const out = await render(
      body('<mj-text><a href="{{unsubscribeUrl}}">Leave</a> <a href="https://shop.test">Shop</a></mj-text>'),
      recipient(4),
    );
    expect(out.html.split(out.urls.unsubscribeUrl).length - 1).toBe(1);
    expect(out.text.split(out.urls.unsubscribeUrl).length - 1).toBe(1);
    expect(out.html).toContain('Shop Ltd, 1 High St');
    expect(out.text).toContain('Shop Ltd, 1 High St');
  });

  it('has no pixel and no rewritten links for a recipient who turned tracking off, nor for a campaign that tracks nothing', async () => {
    const { render } = setup();
    for (const opts of [{ tracking: false }, { trackOpens: false, trackClicks: false }]) {
      const out = await render(template, recipient(5), opts);
      expect(out.html).not.toContain('/o/');
      expect(out.html).not.toContain('/c/');
      expect(out.html).toContain('href="https://shop.test/sale?a=1&b=2#top"');
      expect(out.html).toContain(`href="${out.urls.unsubscribeUrl}"`);
    }
  });

  it('runs MJML once for any number of recipients, and gives each their own tokens', async () => {
    const { render, mjml } = setup();
    const a = await render(template, recipient(6));
    const b = await render(template, recipient(7));
    expect(mjml.calls).toBe(1);
    expect(clickTargets(a.html, recipient(6).messageId)).toHaveLength(2);
    expect(clickTargets(b.html, recipient(7).messageId)).toHaveLength(2);
    expect(a.urls.unsubscribeUrl).not.toBe(b.urls.unsubscribeUrl);
  });

  it('gives campaign mail no preference-centre link: its preferencesUrl asks for one to be mailed', () => {
    const urls = recipientUrls(ctx, campaign.id, recipient(8));
    expect(urls.preferencesUrl).toBe(`${urls.unsubscribeUrl}/preferences`);
    expect(urls.preferencesUrl).not.toContain('/p/');
  });

  it('issues mailed preference links that expire after 7 days and name only the subscriber', () => {
    const url = preferencesUrlOf(tokens, PUBLIC, { s: recipient(8).subscriberId });
    const payload = tokens.verify('preferences', url.slice(`${PUBLIC}/p/`.length));
    expect(payload!.s).toBe(recipient(8).subscriberId);
    expect(Object.keys(payload!).sort()).toEqual(['exp', 's']);
    expect(payload!.exp! - Date.now() / 1000).toBeGreaterThan(7 * 24 * 3600 - 60);
    expect(payload!.exp! - Date.now() / 1000).toBeLessThanOrEqual(7 * 24 * 3600);
  });

  it('gives test sends links that name nobody: unsubscribe, preferences, pixel and clicks', async () => {
    const { renderer } = setup();
    const compiled = await renderer.compile({
      versionId: 'v:test',
      subject: 'S',
      mjml: template,
      htmlPass: campaignHtmlPass,
    });
    const urls = testUrls(ctx, campaign.id);
    const out = renderer.fill(
      compiled,
      recipientData(ctx, campaign, recipient(9), urls),
      testTrackingHooks(ctx, campaign),
    );
    expect(tokens.verify('unsubscribe', urls.unsubscribeUrl.slice(`${PUBLIC}/u/`.length))).toEqual({
      t: 1,
      c: campaign.id,
    });
    const pixel = /\/o\/([^"]+)"/.exec(out.html)![1];
    expect(tokens.verify('open', pixel)).toEqual({ t: 1 });
    const clicks = [...out.html.matchAll(/\/c\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/g)].map((m) =>
      tokens.verify('click', m[1]),
    );
    expect(clicks.length).toBeGreaterThan(0);
    for (const c of clicks) expect(c).toEqual({ t: 1, u: expect.stringMatching(/^https:\/\/shop\.test\//) });
  });
});

describe('campaign headers', () => {
  it('carry the RFC 8058 pair, List-Id and Feedback-ID, each one line', () => {
    const headers = campaignHeaders({
      campaignId: campaign.id,
      unsubscribeUrl: `${PUBLIC}/u/abc.def`,
      list: { id: 'a1b2c3d4-0000-4000-8000-000000000000', name: 'News "weekly"\r\nBcc: x@evil.test' },
      fromAddress: 'Shop <news@shop.test>',
    });
    expect(headers).toEqual({
      'List-Unsubscribe': `<${PUBLIC}/u/abc.def>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id':
        '=?UTF-8?Q?News_=22weekly=22_Bcc=3A_x=40evil=2Etest?= <a1b2c3d4-0000-4000-8000-000000000000.lists.shop.test>',
      'Feedback-ID': `${campaign.id}:campaign:mailcourier`,
    });
    for (const value of Object.values(headers)) expect(value).not.toMatch(/[\r\n]/);
  });

  it('take the domain of the From address', () => {
    expect(domainOf('news@shop.test')).toBe('shop.test');
    expect(domainOf('"A, B" <x@Mail.Shop.test>')).toBe('Mail.Shop.test');
    expect(listId({ id: 'l1', name: 'Café' }, 'shop.test')).toBe('=?UTF-8?Q?Caf=C3=A9?= <l1.lists.shop.test>');
    expect(listId({ id: 'l1', name: 'Weekly news' }, 'shop.test')).toBe('Weekly news <l1.lists.shop.test>');
  });
});
