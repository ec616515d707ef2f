import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture } from '../../test/fixtures';
import { NotAReportError } from './mime-message';
import { readBounce } from './read-bounce';

const corpus = (file: string) => readFileSync(join(__dirname, '../../test/fixtures/bounces', file));
const pick = (b: { email: string; type: string; reason: string }) => ({
  email: b.email,
  type: b.type,
  reason: b.reason,
});

describe('readBounce', () => {
  it('reads an Exim bounce by its X-Failed-Recipients, one result per address', async () => {
    const read = await readBounce(corpus('sisimai-email-exim-02.eml'));
    expect(read.kind).toBe('plain');
    expect(read.bounces.map(pick)).toEqual([
      { email: 'kijitora@example.jp', type: 'hard', reason: 'user-unknown' },
      { email: 'sabatora@example.jp', type: 'hard', reason: 'user-unknown' },
    ]);
  });

  it("reads qmail's format and its original Message-ID", async () => {
    const read = await readBounce(corpus('flufl-qmail-03.eml'));
    expect(read.bounces.map(pick)).toEqual([{ email: 'userx@example.jp', type: 'hard', reason: 'user-unknown' }]);
  });

  it("reads a Sendmail transcript by the remote server's answer, not Sendmail's own summary", async () => {
    const read = await readBounce(corpus('bp-warning-9.eml'));
    expect(read.bounces[0]).toMatchObject({ email: 'gail.windy@example.com', type: 'blocked', reason: 'auth-failed' });
  });

  it('reads a DSN whose 5.x.x is really a full mailbox or a spam block', async () => {
    expect((await readBounce(corpus('sisimai-rhost-outlook-01.eml'))).bounces.map(pick)).toEqual([
      { email: 'kijitora@example.jp', type: 'soft', reason: 'mailbox-full' },
    ]);
    expect((await readBounce(corpus('bp-spam-rejection3.eml'))).bounces.map(pick)).toEqual([
      { email: 'aaa@b.c', type: 'blocked', reason: 'spam-blocked' },
    ]);
  });

  it("reads Hotmail's complaint feed (JMRP) as a complaint with the original Message-ID", async () => {
    expect((await readBounce(corpus('sisimai-arf-13.eml'))).bounces).toEqual([
      expect.objectContaining({
        email: 'recipient@hotmail.com',
        type: 'complaint',
        messageId: '<d4cb0d6593464552a34f4429b3e7f92f@example.com>',
      }),
    ]);
  });

  it('gives nothing for an auto-reply, a DMARC failure report or a spam message', async () => {
    for (const file of ['bp-warning-6.eml', 'bp-aol-vacation.eml', 'sisimai-arf-07.eml', 'bp-spam-with-image.eml'])
      expect({ file, bounces: (await readBounce(corpus(file))).bounces }).toEqual({ file, bounces: [] });
    expect((await readBounce(fixture('not-a-report.eml', {}))).kind).toBe('none');
  });

  it('never throws on junk, only a NotAReportError on what it cannot parse', async () => {
    const junk = ['', '\r\n\r\n', 'x', '\u0000'.repeat(1000), 'From: <>\r\n\r\n' + '@'.repeat(100_000)];
    for (const raw of junk) await expect(readBounce(raw)).resolves.toMatchObject({ bounces: [] });
    let nested = 'x\r\n';
    for (let i = 299; i >= 0; i--)
      nested = `Content-Type: multipart/mixed; boundary="n${i}"\r\n\r\n--n${i}\r\n${nested}--n${i}--\r\n`;
    await expect(readBounce(nested)).rejects.toBeInstanceOf(NotAReportError);
  });
});

describe('readBounce limits', () => {
  // Linear patterns and bounded reads: each of these took minutes with a naive reader.
  it.each([
    [
      'a plain bounce naming 100 addresses over 1 MB',
      `From: MAILER-DAEMON@x\r\nSubject: Undelivered Mail\r\n\r\n${Array.from({ length: 100 }, (_, i) => `<u${i}@example.com>: 550 5.1.1 user unknown ${'x'.repeat(10_000)}`).join('\r\n')}`,
    ],
    [
      'a line of 1 MB of dashes',
      `From: MAILER-DAEMON@x\r\nSubject: failure notice\r\n\r\n${'-'.repeat(1_000_000)}\r\n<a@example.com>: no`,
    ],
    ['1 MB of address-like junk', `From: MAILER-DAEMON@x\r\nSubject: failure notice\r\n\r\n${'a.a@'.repeat(250_000)}`],
    [
      'a 5,000-line transcript',
      `From: MAILER-DAEMON@x\r\nSubject: Returned mail\r\n\r\n${'<<< 550 5.1.1 <a@example.com>... user unknown\r\n'.repeat(5_000)}`,
    ],
  ])('reads %s, naming at most 100 recipients', async (_, raw) => {
    // How long each takes is measured by npm run bench:bounces (a test only ends a hang: no timed assertion).
    const read = await readBounce(raw);
    expect(read.bounces.length).toBeLessThanOrEqual(100);
  });
});

describe('readBounce on notices', () => {
  const notice = (subject: string, body: string) =>
    `From: postmaster@example.org\r\nTo: news@example.com\r\nSubject: ${subject}\r\n\r\n${body}\r\n`;

  it("gives nothing for Exchange's delivered and relayed notices", async () => {
    const delivered = notice(
      'Delivered: Our autumn offers',
      'Your message has been delivered to the following recipients:\r\n\r\nada@example.net',
    );
    const relayed = notice(
      'Relayed: Our autumn offers',
      'Delivery to these recipients or groups is complete, but no delivery notification was sent by the destination server:\r\n\r\nada@example.net',
    );
    expect((await readBounce(delivered)).bounces).toEqual([]);
    expect((await readBounce(relayed)).bounces).toEqual([]);
  });

  it('still reads a failure that mentions delivered recipients', async () => {
    const mixed = notice(
      'Undeliverable: Our autumn offers',
      "Delivery has failed to these recipients or groups:\r\n\r\nada@example.net\r\nThe email address you entered couldn't be found. 550 5.1.1 RESOLVER.ADR.RecipNotFound",
    );
    expect((await readBounce(mixed)).bounces.map((b) => [b.email, b.type])).toEqual([['ada@example.net', 'hard']]);
  });

  it('reads an Amazon SES notification mailed by SNS with the webhook reader, folded JSON and all', async () => {
    const bounce = await readBounce(corpus('sisimai-ced-us-amazonses-02.eml'));
    expect(bounce.kind).toBe('ses');
    expect(bounce.bounces.map(pick)).toEqual([
      { email: 'bounce@simulator.amazonses.com', type: 'hard', reason: 'user-unknown' },
    ]);
    const complaint = await readBounce(corpus('sisimai-ced-us-amazonses-03.eml'));
    expect(complaint.bounces.map(pick)).toEqual([
      { email: 'complaint@simulator.amazonses.com', type: 'complaint', reason: 'complaint' },
    ]);
    const delivery = await readBounce(corpus('sisimai-email-amazonses-12.eml'));
    expect(delivery).toEqual({ kind: 'none', bounces: [], ignored: 1 });
  });

  it('takes no address from a Message-ID line nor the punctuation before one', async () => {
    const zoho = await readBounce(corpus('sisimai-email-zoho-01.eml'));
    expect(zoho.bounces.map((b) => b.email)).toEqual(['kijitora@example.co.jp']);
    const procmail = await readBounce(corpus('sisimai-rfc3464-04.eml'));
    expect(procmail.bounces.map((b) => b.email).filter((e) => !/^[\w.-]+@/.test(e))).toEqual([]);
  });

  it('reads the command a DSN refusal answered from its transcript: "Unknown user" only after DATA is no hard bounce', async () => {
    const docomo = await readBounce(corpus('sisimai-rhost-nttdocomo-01.eml'));
    expect(docomo.kind).toBe('dsn');
    expect(docomo.bounces.map(pick)).toEqual([
      { email: 'azumakuniyuki@ntt.docomo.example.ne.jp', type: 'blocked', reason: 'policy-blocked' },
    ]);
    // The same words refusing the RCPT stay hard.
    expect((await readBounce(corpus('sisimai-email-postfix-36.eml'))).bounces[0]).toMatchObject({ type: 'hard' });
  });

  it('reads a null MX (RFC 7505) as an unknown domain though the DSN says 4.0.0', async () => {
    expect((await readBounce(corpus('sisimai-email-gsuite-03.eml'))).bounces.map(pick)).toEqual([
      { email: 'neko@libsisimai.org', type: 'hard', reason: 'domain-unknown' },
    ]);
  });

  it('reads a message whose first line holds only spaces from the header fields after it', async () => {
    const read = await readBounce(corpus('phpbh-exchange1.eml'));
    expect(read.kind).toBe('dsn');
    expect(read.bounces.map(pick)).toEqual([{ email: 'phk@nordiskeiendom.no', type: 'hard', reason: 'user-unknown' }]);
  });

  it("reads a remote's failed check of our sender as no hard bounce, though Sendmail wrote 5.1.1 User unknown", async () => {
    expect((await readBounce(corpus('phpbh-sendmail-dsn-hdrs-503.eml'))).bounces.map(pick)).toEqual([
      { email: 'autorespondtest@example.net', type: 'blocked', reason: 'policy-blocked' },
    ]);
  });

  it('reads a Japanese carrier notice (subject "メールエラー通知") by its English line', async () => {
    expect((await readBounce(corpus('sisimai-email-kddi-01.eml'))).bounces.map(pick)).toEqual([
      { email: 'kijitora@x0000000000000.dion.ne.jp', type: 'soft', reason: 'mailbox-full' },
    ]);
  });

  it("reads Apple Mail's unsubscribe request as a complaint by its sender", async () => {
    const read = await readBounce(corpus('sisimai-arf-26.eml'));
    expect(read.kind).toBe('arf');
    expect(read.bounces.map(pick)).toEqual([{ email: 'example@icloud.com', type: 'complaint', reason: 'complaint' }]);
  });
});
