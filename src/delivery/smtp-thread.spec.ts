import { SmtpSink } from '../../test/support/smtp-sink';
import { loadConfig } from '../config/load-config';
import { classifySmtpError } from './smtp-errors';
import { SmtpThread } from './smtp-thread';

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
});
