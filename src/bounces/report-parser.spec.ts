import { fixture } from '../../test/fixtures';
import { classifyDsn, NotAReportError, parseReport } from './report-parser';

const RCPT = 'Ada.Reader@recipient.example';
const OTHER = 'bob@other.example';
const MESSAGE_ID = '<0f8d3c1e-5b7a-4c2d-9e61-2a4b8c9d0e1f@mail.example.org>';
const values = { RCPT, OTHER, MESSAGE_ID };

describe('parseReport', () => {
  it('reads a Postfix DSN with a 5.1.1 failure as a hard bounce of that recipient, linked by the returned headers', async () => {
    const report = await parseReport(fixture('dsn-hard-bounce.eml', values));
    expect(report.kind).toBe('dsn');
    expect(report.bounces).toEqual([{ email: RCPT, type: 'hard', messageId: MESSAGE_ID, detail: expect.stringContaining('failed 5.1.1') }]);
    expect(report.bounces[0].detail).toContain('User unknown');
  });

  it('reads a "delayed" 4.2.2 warning as a soft bounce', async () => {
    const report = await parseReport(fixture('dsn-delayed.eml', values));
    expect(report.bounces).toEqual([expect.objectContaining({ email: RCPT, type: 'soft', messageId: MESSAGE_ID })]);
    expect(report.bounces[0].detail).toContain('delayed 4.2.2');
  });

  it('takes one outcome per recipient block: failed 5.7.1 is hard, delivered is no bounce', async () => {
    const report = await parseReport(fixture('dsn-two-recipients.eml', values));
    expect(report.bounces).toEqual([expect.objectContaining({ email: RCPT, type: 'hard', messageId: MESSAGE_ID })]);
    expect(report.ignored).toBe(1);
  });

  it('reads an ARF abuse report as a complaint about Original-Rcpt-To, linked by the returned message', async () => {
    const report = await parseReport(fixture('arf-abuse.eml', values));
    expect(report.kind).toBe('arf');
    expect(report.bounces).toEqual([{ email: RCPT, type: 'complaint', messageId: MESSAGE_ID, detail: 'arf abuse from MailboxFBL/1.2' }]);
  });

  it('falls back on the returned message\'s To when the report leaves Original-Rcpt-To out', async () => {
    const report = await parseReport(fixture('arf-redacted-rcpt.eml', values));
    expect(report.bounces).toEqual([expect.objectContaining({ email: RCPT, type: 'complaint', messageId: MESSAGE_ID })]);
  });

  it('does not count a not-spam feedback report as a complaint', async () => {
    const report = await parseReport(fixture('arf-abuse.eml', values).replace('Feedback-Type: abuse', 'Feedback-Type: not-spam'));
    expect(report.bounces).toEqual([]);
    expect(report.ignored).toBe(1);
  });

  it('refuses a message that is not a report', async () => {
    await expect(parseReport(fixture('not-a-report.eml', values))).rejects.toBeInstanceOf(NotAReportError);
  });
});

describe('classifyDsn', () => {
  it.each([
    ['failed', '5.1.1', 'hard'],
    ['failed', null, 'hard'],
    ['failed', '4.4.7', 'soft'],
    ['delayed', '4.2.2', 'soft'],
    ['delivered', '2.0.0', null],
    ['relayed', null, null],
  ] as const)('%s %s → %s', (action, code, expected) => {
    expect(classifyDsn(action, code)).toBe(expected);
  });
});
