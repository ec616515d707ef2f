import { classifySmtpError, describeSmtpError, smtpRefusalOf } from './smtp-errors';

/** Errors shaped the way nodemailer's SMTP connection reports them. */
const smtp = (code: string, responseCode: number | undefined, command: string, response = '') =>
  Object.assign(new Error('failed'), { code, responseCode, command, response });

describe('classifySmtpError', () => {
  it('treats a 5xx answer to RCPT TO as a hard bounce', () => {
    expect(classifySmtpError(smtp('EENVELOPE', 550, 'RCPT TO', '550 5.1.1 no such user'))).toBe('hard-bounce');
  });

  it('treats a 5xx answer after DATA that refuses the message, not the address, as blocked', () => {
    expect(classifySmtpError(smtp('EMESSAGE', 554, 'DATA', '554 rejected'))).toBe('blocked');
    expect(classifySmtpError(smtp('EMESSAGE', 550, 'DATA', '550 5.7.1 Message rejected as spam'))).toBe('blocked');
  });

  it('treats a 5xx that says the mailbox is full as a soft bounce, and reads the reason', () => {
    expect(classifySmtpError(smtp('EENVELOPE', 552, 'RCPT TO', '552 5.2.2 Mailbox full'))).toBe('soft-bounce');
    expect(smtpRefusalOf(smtp('EENVELOPE', 550, 'RCPT TO', '550 5.1.1 no such user'))).toEqual({
      outcome: 'hard-bounce',
      reason: 'user-unknown',
    });
    expect(smtpRefusalOf(smtp('EENVELOPE', 452, 'RCPT TO', '452 4.2.2 Mailbox full'))).toBeNull();
  });

  it('retries 4xx answers to RCPT TO and DATA', () => {
    expect(classifySmtpError(smtp('EENVELOPE', 451, 'RCPT TO'))).toBe('retry');
    expect(classifySmtpError(smtp('EMESSAGE', 452, 'DATA'))).toBe('retry');
  });

  it('retries refused, dropped and timed-out connections', () => {
    expect(
      classifySmtpError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET', command: 'CONN' })),
    ).toBe('retry');
    expect(classifySmtpError(Object.assign(new Error('closed'), { code: 'ECONNECTION' }))).toBe('retry');
    expect(classifySmtpError(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT', command: 'CONN' }))).toBe(
      'retry',
    );
  });

  it('retries a 5xx that is about our side (MAIL FROM, AUTH) or the session (503), not the recipient', () => {
    expect(classifySmtpError(smtp('EENVELOPE', 550, 'MAIL FROM'))).toBe('retry');
    expect(classifySmtpError(smtp('EAUTH', 535, 'AUTH PLAIN'))).toBe('retry');
    expect(classifySmtpError(smtp('EENVELOPE', 503, 'RCPT TO'))).toBe('retry');
  });

  it('retries anything that is not an SMTP error at all', () => {
    expect(classifySmtpError(new Error('boom'))).toBe('retry');
    expect(classifySmtpError(undefined)).toBe('retry');
  });
});

describe('describeSmtpError', () => {
  it('keeps the code, command and answer on one line', () => {
    expect(describeSmtpError(smtp('EENVELOPE', 550, 'RCPT TO', '550 no\r\nsuch user'))).toBe(
      'EENVELOPE RCPT TO 550 no such user',
    );
  });
});
