import { generateKeyPairSync } from 'node:crypto';
import nodemailer from 'nodemailer';
import PostalMime from 'postal-mime';
import { DkimSigner, relaxedBody } from './dkim-signer';
import { ReadyMessages, TwoPartMail } from './ready-message';

// mailauth ships no types for this entry point.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { dkimVerify } = require('mailauth/lib/dkim/verify') as {
  dkimVerify: (
    raw: Buffer,
    options: { resolver: (name: string, type: string) => Promise<string[][]> },
  ) => Promise<{ results: { status: { result: string; comment?: string } }[] }>;
};

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const resolver = (name: string, type: string): Promise<string[][]> =>
  type === 'TXT' && name === 'mc1._domainkey.xn--bcher-kva.example'
    ? Promise.resolve([[`v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`]])
    : Promise.reject(Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' }));

/** A campaign mail as the service hands it over: names and a subject to encode, spaces a canonicaliser changes. */
const mail: TwoPartMail = {
  from: { name: 'Nörthwind, News', address: 'news@bücher.example' },
  to: { name: 'Zoë Ünïcode with a rather long name that goes past the line limit', address: 'zoe@bücher.example' },
  subject: 'Spring is here, Zoë: a subject long enough that nodemailer folds it over several lines',
  messageId: '<0b7b7c3e-1111-4a4a-9c9c-123456789abc@xn--bcher-kva.example>',
  headers: {
    'List-Unsubscribe': `<https://mail.example/u/${'t'.repeat(120)}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'List-Id': '=?UTF-8?Q?Caf=C3=A9_club?= <l1.lists.xn--bcher-kva.example>',
    'Feedback-ID': 'c1:campaign:mailcourier',
  },
  html: '<table>\n  <tr>\t<td style="padding:0">Hello   Zoë</td>   \n</tr>\n.a line starting with a dot\n</table>\n\n\n',
  text: 'Hello Zoë  \n\n.dot\n',
  envelope: { from: 'bounces+abc@bounce.example', to: 'zoe@bücher.example' },
};

/** The same mail as nodemailer itself composes it (bodies encoded by nodemailer). */
async function composedByNodemailer(m: TwoPartMail): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return (await transport.sendMail({ ...m, html: m.html, text: m.text })).message as Buffer;
}

describe('ReadyMessages', () => {
  it('makes a message a mail client reads as it reads the one nodemailer composes', async () => {
    const ready = new ReadyMessages('Default <default@example.org>').build(mail);
    const [mine, theirs] = await Promise.all([
      PostalMime.parse(ready.raw),
      composedByNodemailer(mail).then((raw) => PostalMime.parse(raw)),
    ]);
    for (const field of ['from', 'to', 'subject', 'messageId', 'html', 'text'] as const)
      expect([field, mine[field]]).toEqual([field, theirs[field]]);
    const headers = (p: typeof mine) =>
      p.headers
        .filter((h) => !['date', 'content-type'].includes(h.key))
        .map((h) => [h.key, h.value.replace(/\s+/g, ' ')])
        .sort();
    expect(headers(mine)).toEqual(headers(theirs));
    expect(mine.headers.find((h) => h.key === 'content-type')?.value).toMatch(/^multipart\/alternative; boundary=/);
  });

  it('has CRLF line ends only, lines of at most 998 characters, one Date, MIME-Version and Content-Type', () => {
    const raw = new ReadyMessages('x@example.org').build(mail).raw.toString('latin1');
    expect(raw).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    const headers = raw.slice(0, raw.indexOf('\r\n\r\n'));
    for (const name of ['Date', 'MIME-Version', 'Content-Type', 'Message-ID'])
      expect([name, headers.match(new RegExp(`^${name}:`, 'gm'))?.length]).toEqual([name, 1]);
  });

  it('gives the envelope the pool sends: the given sender and recipient, the size, no 8BITMIME for US-ASCII', () => {
    const ready = new ReadyMessages('x@example.org').build(mail);
    const envelope = ready.getEnvelope() as unknown as Record<string, unknown>;
    expect(envelope).toMatchObject({ from: 'bounces+abc@bounce.example', size: ready.raw.length, use8BitMime: false });
    expect(envelope.to).toEqual(['zoe@xn--bcher-kva.example']);
    expect(ready.messageId()).toBe(mail.messageId);
  });

  it('takes the envelope from the headers when none is given, and a distinct boundary for every message', () => {
    const messages = new ReadyMessages('x@example.org');
    const plain = { ...mail, envelope: undefined };
    const [a, b] = [messages.build(plain), messages.build(plain)];
    expect(a.getEnvelope()).toMatchObject({ from: 'news@xn--bcher-kva.example', to: ['zoe@xn--bcher-kva.example'] });
    const boundary = (m: typeof a) => /boundary="([^"]+)"/.exec(m.raw.toString())![1];
    expect(boundary(a)).not.toBe(boundary(b));
  });
});

describe('DkimSigner', () => {
  const signer = new DkimSigner({ domainName: 'bücher.example', keySelector: 'mc1', privateKey: pem });

  it('signs what mailauth verifies, covering both List-Unsubscribe headers, List-Id and Feedback-ID', async () => {
    const raw = new ReadyMessages('x@example.org', signer).build(mail).raw;
    const verdict = await dkimVerify(raw, { resolver });
    expect(verdict.results.map((r) => r.status.result)).toEqual(['pass']);
    const signature = /^DKIM-Signature:((?:.*\r\n[ \t])*.*)\r\n/m.exec(raw.toString())![1];
    const signed = /(?:^|;)\s*h=([^;]+)/.exec(signature)![1].replace(/\s+/g, '').split(':');
    expect(signed).toEqual(
      expect.arrayContaining([
        'from',
        'to',
        'subject',
        'date',
        'message-id',
        'list-unsubscribe',
        'list-unsubscribe-post',
        'list-id',
        'feedback-id',
      ]),
    );
    expect(signature).toContain('d=xn--bcher-kva.example;');
  });

  it('does not verify once a signed header or the body is changed', async () => {
    const raw = new ReadyMessages('x@example.org', signer).build(mail).raw.toString();
    // mailauth: a changed header is 'fail', a body whose hash differs 'neutral' ("body hash did not verify")
    for (const [changed, result] of [
      [raw.replace('One-Click', 'One-Klick'), 'fail'],
      [raw.replace('a dot', 'a dog'), 'neutral'],
    ]) {
      const verdict = await dkimVerify(Buffer.from(changed), { resolver });
      expect(verdict.results.map((r) => r.status.result)).toEqual([result]);
    }
  });

  it('canonicalises a body the relaxed way (RFC 6376 3.4.4 and its examples)', () => {
    expect(relaxedBody(' C \r\nD \t E\r\n\r\n\r\n')).toBe(' C\r\nD E\r\n');
    expect(relaxedBody('no line end')).toBe('no line end\r\n');
    expect(relaxedBody('\r\n\r\n')).toBe('');
    expect(relaxedBody('')).toBe('');
  });
});
