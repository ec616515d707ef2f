import { fixture } from '../../test/fixtures';
import { readDsn } from './dsn-reader';
import { NotAReportError, parseReport, REPORT_LIMITS } from './report-parser';

const RCPT = 'Ada.Reader@recipient.example';
const OTHER = 'bob@other.example';
const MESSAGE_ID = '<0f8d3c1e-5b7a-4c2d-9e61-2a4b8c9d0e1f@mail.example.org>';
const values = { RCPT, OTHER, MESSAGE_ID };

describe('parseReport', () => {
  it('reads a Postfix DSN with a 5.1.1 failure as a hard bounce of that recipient, linked by the returned headers', async () => {
    const report = await parseReport(fixture('dsn-hard-bounce.eml', values));
    expect(report.kind).toBe('dsn');
    expect(report.bounces).toEqual([
      {
        email: RCPT,
        type: 'hard',
        reason: 'user-unknown',
        messageId: MESSAGE_ID,
        detail: expect.stringContaining('5.1.1'),
      },
    ]);
    expect(report.bounces[0].detail).toContain('User unknown');
  });

  it('reads a "delayed" 4.2.2 warning as a soft bounce', async () => {
    const report = await parseReport(fixture('dsn-delayed.eml', values));
    expect(report.bounces).toEqual([
      expect.objectContaining({ email: RCPT, type: 'soft', reason: 'mailbox-full', messageId: MESSAGE_ID }),
    ]);
    expect(report.bounces[0].detail).toContain('4.2.2');
  });

  it('takes one outcome per recipient block: failed 5.7.1 "rejected as spam" is blocked, delivered is no bounce', async () => {
    const report = await parseReport(fixture('dsn-two-recipients.eml', values));
    expect(report.bounces).toEqual([
      expect.objectContaining({ email: RCPT, type: 'blocked', reason: 'spam-blocked', messageId: MESSAGE_ID }),
    ]);
    expect(report.ignored).toBe(1);
  });

  it('reads an ARF abuse report as a complaint about Original-Rcpt-To, linked by the returned message', async () => {
    const report = await parseReport(fixture('arf-abuse.eml', values));
    expect(report.kind).toBe('arf');
    expect(report.bounces).toEqual([
      {
        email: RCPT,
        type: 'complaint',
        reason: 'complaint',
        messageId: MESSAGE_ID,
        detail: 'arf abuse from MailboxFBL/1.2',
      },
    ]);
  });

  it("falls back on the returned message's To when the report leaves Original-Rcpt-To out", async () => {
    const report = await parseReport(fixture('arf-redacted-rcpt.eml', values));
    expect(report.bounces).toEqual([
      expect.objectContaining({ email: RCPT, type: 'complaint', messageId: MESSAGE_ID }),
    ]);
  });

  it('does not count a not-spam feedback report as a complaint', async () => {
    const report = await parseReport(
      fixture('arf-abuse.eml', values).replace('Feedback-Type: abuse', 'Feedback-Type: not-spam'),
    );
    expect(report.bounces).toEqual([]);
    expect(report.ignored).toBe(1);
  });

  it('reads an out-of-office reply as no bounce', async () => {
    expect(await parseReport(fixture('not-a-report.eml', values))).toEqual({ kind: 'none', bounces: [], ignored: 0 });
  });
});

describe('readDsn', () => {
  it.each([
    ['failed', '5.1.1', 'hard'],
    ['failed', null, 'blocked'],
    ['failed', '4.4.7', 'soft'],
    ['delayed', '4.2.2', 'soft'],
    ['delivered', '2.0.0', null],
    ['relayed', null, null],
  ] as const)('%s %s → %s', (action, code, expected) => {
    const block = `Final-Recipient: rfc822; a@example.com\nAction: ${action}${code ? `\nStatus: ${code}` : ''}`;
    const read = readDsn(`Reporting-MTA: dns; x\n\n${block}\n`, undefined);
    expect(read.bounces[0]?.type ?? null).toBe(expected);
  });
});

describe('parseReport limits', () => {
  const status = (blocks: string[]) =>
    `Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\n${blocks.join('\r\n\r\n')}\r\n`;
  const failed = (i: number) => `Final-Recipient: rfc822; u${i}@example.com\r\nAction: failed\r\nStatus: 5.1.1`;
  const report = (...parts: string[]) =>
    `Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n${parts.map((p) => `--B\r\n${p}\r\n`).join('')}--B--\r\n`;

  // Only the head of the returned message is read (postal-mime took 6 s over the whole of it); speed is not asserted here.
  it('reads a report whose returned message has 200,000 lines, linked to its message', async () => {
    const returned = `Content-Type: message/rfc822\r\n\r\nMessage-ID: ${MESSAGE_ID}\r\nContent-Type: text/plain\r\n\r\n${'x\r\n'.repeat(200_000)}`;
    const parsed = await parseReport(report(status([failed(1)]), returned));
    expect(parsed.bounces).toEqual([
      expect.objectContaining({ email: 'u1@example.com', type: 'hard', messageId: MESSAGE_ID }),
    ]);
  });

  it('does not reach a status part behind 100,000 empty parts', async () => {
    await expect(parseReport(report(...Array(100_000).fill('\r\nx'), status([failed(1)])))).rejects.toThrow(
      NotAReportError,
    );
  });

  it('refuses a DSN naming more recipients than the limit', async () => {
    const many = Array.from({ length: REPORT_LIMITS.recipients + 1 }, (_, i) => failed(i));
    await expect(parseReport(report(status(many)))).rejects.toThrow(
      new NotAReportError(`the report names more than ${REPORT_LIMITS.recipients} recipients`),
    );
    expect((await parseReport(report(status(many.slice(1))))).bounces).toHaveLength(REPORT_LIMITS.recipients);
  });

  it("turns the parser's own refusals (MIME nesting over its limit) into a NotAReportError", async () => {
    let nested = 'x\r\n';
    for (let i = 299; i >= 0; i--)
      nested = `Content-Type: multipart/mixed; boundary="n${i}"\r\n\r\n--n${i}\r\n${nested}--n${i}--\r\n`;
    await expect(parseReport(nested)).rejects.toThrow(/^the message cannot be read: Maximum MIME nesting depth/);
  });
});
