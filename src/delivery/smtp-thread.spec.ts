import { SmtpSink } from '../../test/support/smtp-sink';
import { loadConfig } from '../config/load-config';
import { createHandlebars } from '../templates/render/handlebars-env';
import { compilePrepared, PreparedTemplate } from '../templates/render/renderer.service';
import { deriveTextTemplate } from '../templates/render/text-template';
import { TokenService } from '../tokens/token.service';
import { CampaignRenderSetup, isComposeError } from './campaign-render-job';
import { campaignHtmlPass } from './personalize-html';
import { classifySmtpError } from './smtp-errors';
import { SETUPS_KEPT, SmtpThread } from './smtp-thread';

const SECRET = 'smtp-thread-spec-secret-0123456789abcdef';

describe('SmtpThread (the campaign pool in a worker thread, against a real SMTP server)', () => {
  let sink: SmtpSink;
  let thread: SmtpThread;
  beforeAll(async () => {
    sink = await new SmtpSink().start();
    sink.reject = (rcpt) => (rcpt.startsWith('gone@') ? { code: 550, message: 'No such user' } : undefined);
    thread = new SmtpThread(
      loadConfig({ APP_SECRET: SECRET, SMTP_URL: sink.url, MAIL_FROM: 'News <news@thread.example>' }),
      { maxConnections: 2 },
    );
  });
  afterAll(async () => {
    await thread?.close();
    await sink?.stop();
  });

  it('delivers the message as given, bodies and headers intact', async () => {
    const html = `<p>Zürich ${'x'.repeat(300_000)}</p>`;
    const sent = await thread.send({
      to: 'reader@example.com',
      subject: 'Hello',
      html,
      text: 'Grüße',
      headers: { 'List-Id': 'News <l.lists.thread.example>' },
      messageId: '<m1@thread.example>',
    });
    expect(sent.messageId).toBe('<m1@thread.example>');
    const [mail] = await sink.waitFor((m) => m.to.includes('reader@example.com'));
    expect(mail.parsed.html?.trim()).toBe(html);
    expect(mail.parsed.text?.trim()).toBe('Grüße');
    expect(mail.headers.get('list-id')).toEqual(['News <l.lists.thread.example>']);
    expect(mail.from).toBe('news@thread.example');
  });

  it('gives back SMTP refusals with the fields that classify them (550 to RCPT TO: a hard bounce)', async () => {
    const err = await thread.send({ to: 'gone@example.com', subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ responseCode: 550, command: 'RCPT TO' });
    expect(classifySmtpError(err)).toBe('hard-bounce');
  });

  describe('campaign messages composed in the thread', () => {
    const CAMPAIGN = '0c000000-0000-4000-8000-000000000001';
    const SUBSCRIBER = '05000000-0000-4000-8000-000000000001';
    const html = campaignHtmlPass.apply(
      '<body><p>Hello {{subscriber.name}} from {{subscriber.attributes.city}}</p><a href="https://shop.example/sale">Sale</a></body>',
    );
    const template: PreparedTemplate = {
      versionId: 'thread-spec-v1',
      required: ['subscriber.attributes.city'],
      htmlTemplate: html,
      subject: 'News for {{subscriber.name}}',
      text: deriveTextTemplate(html),
      ownText: false,
    };
    const setupOf = (key: string): CampaignRenderSetup => ({
      key,
      campaign: {
        id: CAMPAIGN,
        name: 'May',
        trackOpens: true,
        trackClicks: true,
        fromName: 'Shop',
        fromEmail: 'shop@thread.example',
      },
      template,
      list: { id: 'l1', name: 'News' },
      companyAddress: '1 Main St, Springfield',
    });
    const recipient = (n: number, attributes: Record<string, unknown> = { city: 'Lyon' }) => ({
      messageId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      subscriberId: SUBSCRIBER,
      email: `ada${n}@example.com`,
      name: 'Ada',
      attributes,
    });

    it('sends what the main thread would compose: the recipient data, tracked links, pixel, footer and headers', async () => {
      await thread.sendCampaign({ setup: setupOf('a'), recipient: recipient(1), tracking: true });
      const [mail] = await sink.waitFor((m) => m.to.includes('ada1@example.com'));
      expect(mail.parsed.subject).toBe('News for Ada');
      expect(mail.parsed.html).toContain('Hello Ada from Lyon');
      expect(mail.parsed.html).toMatch(/href="http:\/\/localhost:3000\/c\/[\w-]+\.[\w-]+"/);
      expect(mail.parsed.html).toMatch(/<img src="http:\/\/localhost:3000\/o\//);
      expect(mail.parsed.text).toContain('1 Main St');
      expect(mail.headers.get('list-unsubscribe')?.[0]).toMatch(/^<http:\/\/localhost:3000\/u\//);
      expect(mail.headers.get('message-id')).toEqual([`<${recipient(1).messageId}@thread.example>`]);
      // The tokens are the app's: signed with APP_SECRET, as the pages that read them check.
      const tokens = new TokenService(loadConfig({ APP_SECRET: SECRET }));
      const unsubscribe = /\/u\/([^>]+)>/.exec(mail.headers.get('list-unsubscribe')![0])![1];
      expect(tokens.verify('unsubscribe', unsubscribe)).toMatchObject({
        m: recipient(1).messageId,
        s: SUBSCRIBER,
        c: CAMPAIGN,
      });
    });

    it('fails a message whose data does not fit the template with a compose error, sending nothing', async () => {
      const err = await thread.sendCampaign({ setup: setupOf('a'), recipient: recipient(2, {}), tracking: true }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isComposeError(err)).toBe(true);
      expect(String((err as Error).message)).toContain('subscriber.attributes.city');
      expect(sink.received.some((m) => m.to.includes('ada2@example.com'))).toBe(false);
    });

    it('keeps composing batches whose setups the thread had to forget', async () => {
      for (let i = 0; i <= SETUPS_KEPT; i++)
        await thread.sendCampaign({ setup: setupOf(`b${i}`), recipient: recipient(100 + i), tracking: false });
      await thread.sendCampaign({ setup: setupOf('b0'), recipient: recipient(99), tracking: false });
      const [mail] = await sink.waitFor((m) => m.to.includes('ada99@example.com'));
      expect(mail.parsed.html).toContain('Hello Ada from Lyon');
      expect(mail.parsed.html).not.toContain('/o/'); // the recipient said no to tracking
    });

    it('compiles like the main thread', () => {
      const compiled = compilePrepared(createHandlebars(), template);
      expect(compiled.render).not.toBeNull();
      expect(compiled.textMode).toBe('derived');
    });
  });
});
