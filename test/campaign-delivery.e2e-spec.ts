import { generateKeyPairSync } from 'node:crypto';
import { makeList, makeSubscriber } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';
// mailauth ships no types for this entry point.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { dkimVerify } = require('mailauth/lib/dkim/verify') as {
  dkimVerify: (
    raw: Buffer,
    options: { resolver: (name: string, type: string) => Promise<string[][]> },
  ) => Promise<{ results: { status: { result: string } }[] }>;
};

const MJML =
  '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{subscriber.name}}</mj-text></mj-column></mj-section></mj-body></mjml>';

describe('Campaign mail as received: DKIM and headers (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let publicKeyB64: string;

  beforeAll(async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    publicKeyB64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    sink = await new SmtpSink().start();
    t = await createTestApp({
      SMTP_URL: sink.url,
      MAIL_FROM: 'News <news@mail.example.org>',
      DKIM_DOMAIN: 'mail.example.org',
      DKIM_SELECTOR: 'mc1',
      DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const resolver = (name: string, type: string): Promise<string[][]> => {
    if (type === 'TXT' && name === 'mc1._domainkey.mail.example.org')
      return Promise.resolve([[`v=DKIM1; k=rsa; p=${publicKeyB64}`]]);
    return Promise.reject(Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' }));
  };

  it('signs every campaign message, covering List-Unsubscribe, List-Unsubscribe-Post, List-Id and Feedback-ID, with nothing injected from data', async () => {
    const list = await makeList(t, { name: 'Café club' });
    // Rows written straight to the database, as an older import might have left them: line breaks in the name.
    const people = [
      await makeSubscriber(t, { name: 'Eve\r\nBcc: victim@example.com', lists: { [list.id]: 'confirmed' } }),
      await makeSubscriber(t, { name: 'Ada', lists: { [list.id]: 'confirmed' } }),
    ];
    const editor = await t.tokenFor('editor');
    const id = (
      await t
        .http()
        .post('/api/campaigns')
        .set('Authorization', `Bearer ${editor}`)
        .send({ name: 'Signed', subject: 'Hi {{subscriber.name}}', mjml: MJML, listIds: [list.id] })
        .expect(201)
    ).body.id;
    await t.http().post(`/api/campaigns/${id}/send`).set('Authorization', `Bearer ${editor}`).expect(202);
    const mails = await sink.waitFor((m) => (m.headers.get('feedback-id') ?? []).some((v) => v.startsWith(id)), 2);
    expect(mails.flatMap((m) => m.to).sort()).toEqual(people.map((p) => p.email).sort());

    for (const mail of mails) {
      const verdict = await dkimVerify(Buffer.from(mail.raw), { resolver });
      expect(verdict.results.map((r) => r.status.result)).toEqual(['pass']);
      const signature = mail.headers.get('dkim-signature')![0];
      const signed = /(?:^|;)\s*h=([^;]+)/.exec(signature)![1].replace(/\s+/g, '').toLowerCase().split(':');
      expect(signed).toEqual(
        expect.arrayContaining([
          'list-unsubscribe',
          'list-unsubscribe-post',
          'list-id',
          'feedback-id',
          'from',
          'to',
          'subject',
        ]),
      );
      for (const name of [
        'message-id',
        'date',
        'from',
        'to',
        'subject',
        'list-unsubscribe',
        'list-unsubscribe-post',
        'list-id',
        'feedback-id',
      ]) {
        expect([name, mail.headers.get(name)?.length]).toEqual([name, 1]);
      }
      expect(mail.headers.has('bcc')).toBe(false);
      expect(mail.headers.get('list-id')![0]).toBe(`=?UTF-8?Q?Caf=C3=A9_club?= <${list.id}.lists.mail.example.org>`);
    }
    const eve = mails.find((m) => m.to.includes(people[0].email))!;
    expect(eve.parsed.subject).toBe('Hi Eve Bcc: victim@example.com');
    expect(eve.to).toEqual([people[0].email]);
  });
});
