import { preferencesUrlOf } from '../src/delivery/personalize';
import { SettingsService } from '../src/settings/settings.service';
import { TokenService } from '../src/tokens/token.service';
import { csrfIn, signedInAgent } from './support/admin-agent';
import { linksOf, pathOf, sendCampaign } from './support/campaign-mail';
import { makeList, makeSubscriber } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

const MJML = '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>';

describe('Brand on readers’ pages (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  /** Posts the Settings brand form as an admin; answers the response. */
  async function postBrand(fields: Record<string, string>, status: number) {
    const { agent } = await signedInAgent(t, 'admin');
    const page = await agent.get('/admin/settings').expect(200);
    return agent
      .post('/admin/settings/brand')
      .type('form')
      .send({ ...fields, _csrf: csrfIn(page.text) })
      .expect(status);
  }

  it('refuses colours readers could not read on, and logo addresses that are not http(s) or a path, changing nothing', async () => {
    const before = await t.app.get(SettingsService).brand();
    const light = await postBrand({ name: 'Shop', primary: '#ffcc00', background: '#ffffff', logo: '' }, 400);
    expect(light.text).toMatch(
      /primary colour #ffcc00 is too light: white button text on it has a contrast of 1\.\d\d:1/,
    );
    expect(light.text).toContain('id="brand-primary-error"');
    const dark = await postBrand({ primary: '#1d4ed8', background: '#222222' }, 400);
    expect(dark.text).toMatch(/background colour #222222 is too dark/);
    const script = await postBrand({ primary: '#1d4ed8', background: '#ffffff', logo: 'javascript:alert(1)' }, 400);
    expect(script.text).toContain('logo must be an http or https URL');
    const notHex = await postBrand({ primary: 'red', background: '#ffffff' }, 400);
    expect(notHex.text).toContain('primary colour must be a hex colour such as #2563eb');
    expect(await t.app.get(SettingsService).brand()).toEqual(before);
  });

  it('puts the name, logo and colours on the unsubscribe page, the preference centre, invalid-link pages and the archive', async () => {
    await postBrand(
      {
        name: 'The <Quarterly> & Co',
        logo: '/media/logo.png',
        primary: '#7c2d12',
        background: '#fff7ed',
      },
      303,
    );
    expect(await t.app.get(SettingsService).brand()).toEqual({
      name: 'The <Quarterly> & Co',
      logo: '/media/logo.png',
      primary: '#7c2d12',
      background: '#fff7ed',
    });

    const list = await makeList(t);
    const person = await makeSubscriber(t, { lists: { [list.id]: 'confirmed' } });
    const editor = await t.tokenFor('editor');
    const sent = await sendCampaign(t, sink, editor, { mjml: MJML, listIds: [list.id] }, 1);
    const unsubscribe = pathOf(linksOf(sent.mails.get(person.email)!).unsubscribe);
    const preferences = pathOf(preferencesUrlOf(t.app.get(TokenService), t.baseUrl, { s: person.id }));

    const pages: [string, number][] = [
      [unsubscribe, 200],
      [preferences, 200],
      ['/u/not-a-token', 404],
      ['/p/not-a-token', 404],
      ['/confirm/not-a-token', 404],
      ['/archive', 200],
      ['/archive/no-such-issue', 404],
    ];
    for (const [path, status] of pages) {
      const res = await t.http().get(path).expect(status);
      // The name escaped, the logo under PUBLIC_URL (as the page says nothing more, the logo beside the name has alt="").
      expect([path, res.text]).toEqual([
        path,
        expect.stringContaining(
          `<header class="brand"><img src="${t.baseUrl}/media/logo.png" alt=""><span>The &lt;Quarterly&gt; &amp; Co</span></header>`,
        ),
      ]);
      expect(res.text).toContain('body { background: #fff7ed; }');
      expect(res.text).toContain('button, .button { background: #7c2d12; }');
      expect(res.text).not.toContain('<Quarterly>');
      // The logo may come from another host: the page's CSP lets images in.
      expect(res.headers['content-security-policy']).toMatch(/img-src 'self' data: https: http:/);
    }
  });
});
