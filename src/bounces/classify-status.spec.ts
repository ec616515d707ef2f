import { classifyFailure, classifySmtpAnswer, statusOf } from './classify-status';

describe('classifySmtpAnswer', () => {
  it.each([
    [
      550,
      '5.1.1 <ada@example.com>: Recipient address rejected: User unknown in local recipient table',
      'hard',
      'user-unknown',
    ],
    [
      550,
      '5.1.1 The email account that you tried to reach does not exist. Please try double-checking',
      'hard',
      'user-unknown',
    ],
    [550, '5.2.1 The email account that you tried to reach is disabled.', 'hard', 'mailbox-disabled'],
    [550, 'Host unknown', 'hard', 'domain-unknown'],
    [552, '5.2.2 <ada@example.com>: mailbox full', 'soft', 'mailbox-full'],
    [550, '5.2.2 The email account that you tried to reach is over quota.', 'soft', 'mailbox-full'],
    [552, '5.3.4 Message size exceeds fixed maximum message size', 'soft', 'message-too-large'],
    [550, '5.7.1 Message rejected as spam by Content Filtering.', 'blocked', 'spam-blocked'],
    [
      554,
      '5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
      'blocked',
      'reputation-blocked',
    ],
    [554, '5.7.1 Email rejected per DMARC policy for example.com', 'blocked', 'auth-failed'],
    [
      550,
      '5.7.26 This message does not have authentication information or fails to pass authentication checks',
      'blocked',
      'auth-failed',
    ],
    [550, '5.7.1 Relaying denied', 'hard', 'relay-denied'],
    [554, '5.7.1 Message rejected: virus found', 'blocked', 'virus'],
    [550, '5.7.1 Command rejected by policy', 'blocked', 'policy-blocked'],
    [421, '4.7.0 Try again later, closing connection.', 'soft', 'rate-limited'],
    [421, 'Service not available, closing transmission channel', 'soft', 'connection-failed'],
    [450, '4.2.1 The user you are trying to contact is receiving mail too quickly', 'soft', 'rate-limited'],
    [451, '4.7.1 Greylisting in action, please come back later', 'soft', 'greylisted'],
    [452, '4.2.2 Mailbox full', 'soft', 'mailbox-full'],
    [550, 'Something we have never seen', 'blocked', 'other'],
    // Issue 14, unseen mail: a refusal of our sender is no hard bounce; Exchange Online's DBEB answer is one.
    [550, '5.1.7 No such domain neko.example.com.', 'blocked', 'policy-blocked'],
    [553, '5.1.8 Domain of sender address does not exist', 'blocked', 'policy-blocked'],
    [550, '5.1.1 RCP-P2 Refused due to recipient preferences', 'blocked', 'policy-blocked'],
    [550, '5.4.1 <ada@example.com>: Recipient address rejected: Access denied', 'hard', 'user-unknown'],
    [554, '5.7.1 <ada@example.com>: Recipient address rejected: Access denied', 'blocked', 'policy-blocked'],
    [554, "CAT : You've reached your daily relay quota - 203.0.113.0", 'soft', 'rate-limited'],
    [554, 'The mail could not be delivered because the domain is not reachable.', 'hard', 'domain-unknown'],
  ] as const)('%i %s → %s %s', (code, text, type, reason) => {
    expect(classifySmtpAnswer(code, text)).toEqual({ type, reason });
  });

  it('trusts the reply code over an enhanced code of another class', () => {
    expect(classifySmtpAnswer(450, '5.1.1 user unknown').type).toBe('soft');
  });

  it('reads an answer of any size or shape without throwing', () => {
    expect(classifySmtpAnswer(550, 'a'.repeat(1_000_000)).type).toBe('blocked');
    expect(classifySmtpAnswer(NaN, '')).toEqual({ type: 'blocked', reason: 'other' });
    expect(classifySmtpAnswer(550, undefined as unknown as string)).toEqual({ type: 'blocked', reason: 'other' });
  });

  it('answers texts built to make a backtracking pattern crawl (timed by npm run bench:bounces)', () => {
    for (const piece of HOSTILE_PIECES) expect(classifySmtpAnswer(550, piece.repeat(20_000)).type).toBe('blocked');
  });
});

/** Repeated 20,000 times: what a pattern with nested or overlapping repetition would crawl over. */
const HOSTILE_PIECES = ['user ', 'mailbox ', 'account a', '@', 'a@a.', ' ip '];

describe('classifyFailure', () => {
  it('reads a delay warning as soft, whatever its text says', () => {
    expect(classifyFailure('4.4.1', 'no answer from host', true)).toEqual({
      type: 'soft',
      reason: 'connection-failed',
    });
    expect(classifyFailure(null, 'still trying', true)).toEqual({ type: 'soft', reason: 'delayed' });
  });

  it('lets the text decide a 5.x.x when it names a known cause, and the code when it does not', () => {
    expect(classifyFailure('5.1.1', 'Mailbox Full')).toEqual({ type: 'soft', reason: 'mailbox-full' });
    expect(classifyFailure('5.1.1', 'Recipient address rejected: aol.com')).toEqual({
      type: 'hard',
      reason: 'user-unknown',
    });
    expect(classifyFailure('5.4.7', '')).toEqual({ type: 'soft', reason: 'expired' });
  });

  it('never calls hard a refusal given after MAIL FROM, before any recipient was named', () => {
    const exim = 'SMTP error from remote mail server after MAIL FROM:<we@example.org>: 550 No such domain';
    expect(classifyFailure('5.0.0', exim)).toEqual({ type: 'blocked', reason: 'policy-blocked' });
    const postfix = '550 5.1.1 unknown user (in reply to RCPT TO command)';
    expect(classifyFailure('5.1.1', postfix)).toEqual({ type: 'hard', reason: 'user-unknown' });
  });

  it('does not read an address as a reason', () => {
    expect(classifyFailure('4.0.0', '452 <junkmail@example.com> Mailbox size limit exceeded')).toEqual({
      type: 'soft',
      reason: 'mailbox-full',
    });
  });

  // Issue 14, the former unseen set: kinds of bounce the rules misread, fixed by what the RFCs say.
  it('calls hard a domain with a null MX (RFC 7505), even under a 4.x.x status', () => {
    const gmail = "The domain example.org doesn't receive email according to the administrator: returned Null MX";
    expect(classifyFailure('4.0.0', gmail)).toEqual({ type: 'hard', reason: 'domain-unknown' });
  });

  it('calls a final failure under a 4.x.x blocked when its words refuse the sender, and a delay still soft', () => {
    const ptr = '450 4.7.1 Access denied. IP name lookup failed [192.0.2.222]';
    expect(classifyFailure('4.4.7', ptr)).toEqual({ type: 'blocked', reason: 'reputation-blocked' });
    expect(classifyFailure('4.4.7', ptr, true)).toEqual({ type: 'soft', reason: 'expired' });
    expect(classifyFailure('4.0.0', '554 Bad DNS PTR resource record')).toEqual({
      type: 'blocked',
      reason: 'reputation-blocked',
    });
    // A refusal in general words ("Access denied") under a 4.x.x stays soft: it may pass on a later try.
    expect(classifyFailure('4.4.7', '450 4.7.1 Access denied').type).toBe('soft');
  });

  it('never calls hard a refusal whose words say our sender was refused', () => {
    const cox = '550 5.1.0 <we@example.org> sender rejected AUP#CDRBL';
    expect(classifyFailure('5.1.0', cox)).toEqual({ type: 'blocked', reason: 'policy-blocked' });
    expect(classifySmtpAnswer(553, '5.1.8 <we@example.org>: Sender address rejected: Domain not found').type).toBe(
      'blocked',
    );
  });

  it('calls hard a disabled recipient address even under a 5.7.x status', () => {
    expect(classifySmtpAnswer(525, '5.7.13 Disabled recipient address')).toEqual({
      type: 'hard',
      reason: 'mailbox-disabled',
    });
  });

  it('calls hard a refusal that names nothing but the recipient address, and blocked one that says why', () => {
    expect(classifyFailure('5.0.0', '550 <ada@example.jp>: Recipient address rejected.')).toEqual({
      type: 'hard',
      reason: 'user-unknown',
    });
    expect(classifyFailure('5.0.0', '550 <ada@example.jp>: Recipient address rejected: Access denied').type).toBe(
      'blocked',
    );
  });

  it('reads "address could not be found" as an unknown user and a failing local program as soft', () => {
    const google = "Your message wasn't delivered to ada@example.it because the address couldn't be found.";
    expect(classifyFailure('5.0.0', google)).toEqual({ type: 'hard', reason: 'user-unknown' });
    expect(classifyFailure('5.3.0', '554 5.3.0 unknown mailer error 255')).toEqual({ type: 'soft', reason: 'other' });
  });

  it('calls blocked a "user unknown" given only after DATA, and hard one whose RCPT was refused and read late', () => {
    expect(classifyFailure('5.0.0', '550 Unknown user ada@example.jp (in reply to end of DATA command)')).toEqual({
      type: 'blocked',
      reason: 'policy-blocked',
    });
    expect(
      classifyFailure('5.0.0', '>>> DATA <<< 550 Unknown user ada@example.jp 554 5.0.0 Service unavailable').type,
    ).toBe('blocked');
    const pipelined = '>>> DATA <<< 550 5.1.1 ada@example.jp... No such user <<< 503 5.0.0 Need RCPT (recipient)';
    expect(classifyFailure('5.1.1', pipelined)).toEqual({ type: 'hard', reason: 'user-unknown' });
    expect(classifySmtpAnswer(550, '5.1.1 no such user', 'data').type).toBe('blocked');
    expect(classifySmtpAnswer(550, '5.1.1 no such user', 'rcpt').type).toBe('hard');
  });

  // Issue 14, the third unseen set: kinds of bounce the rules misread, fixed by what the answers mean.
  it('calls a DNS answer that could not be read soft, and a domain that does not exist hard', () => {
    const malformed = 'Name service error for name=example.org type=MX: Malformed or unexpected name server reply';
    expect(classifyFailure('5.4.4', malformed)).toEqual({ type: 'soft', reason: 'connection-failed' });
    expect(classifyFailure('5.4.4', 'Name service error for name=example.org type=A: Host not found')).toEqual({
      type: 'hard',
      reason: 'domain-unknown',
    });
  });

  it('calls hard a mailbox that expired for lack of use, in English or Spanish, but not a message that expired', () => {
    expect(classifyFailure('5.0.0', 'Esta casilla ha expirado por falta de uso.')).toEqual({
      type: 'hard',
      reason: 'mailbox-disabled',
    });
    expect(classifyFailure('5.0.0', 'This account has expired due to inactivity').type).toBe('hard');
    expect(classifyFailure('5.0.0', '554 Connection closed due to inactivity').type).not.toBe('hard');
    expect(classifyFailure('4.4.7', 'Message expired after 5 days in queue')).toEqual({
      type: 'soft',
      reason: 'expired',
    });
  });

  it('reads "Unknown E-Mail Address" as an unknown user, and a remote sender verification as no hard bounce', () => {
    const pipelined = '>>> DATA <<< 553 5.3.0 <ada@example.com>... Unknown E-Mail Address <<< 503 5.0.0 Need RCPT';
    expect(classifyFailure('5.3.0', pipelined)).toEqual({ type: 'hard', reason: 'user-unknown' });
    expect(classifyFailure('5.1.1', '550 Sender verify failed 550 5.1.1 <ada@example.com>... User unknown')).toEqual({
      type: 'blocked',
      reason: 'policy-blocked',
    });
  });

  it('reads "spam" as a verdict only as a word or a filter\'s term, not inside a host name', () => {
    expect(classifyFailure('5.2.2', '552-Thanks for using ALLABOUTSPAM.COM Email server test')).toEqual({
      type: 'soft',
      reason: 'mailbox-full',
    });
    expect(classifyFailure('5.0.0', '550 rejected - MCSpamSignature.sa.5.6').reason).toBe('spam-blocked');
    expect(classifyFailure('5.7.1', '550 5.7.1 Message rejected as spam').reason).toBe('spam-blocked');
  });

  it('calls soft a directory that names several users for one address (Domino "not unique")', () => {
    const domino = 'X-Notes; Recipient user name info not unique. Several matches found in Domino Directory.';
    expect(classifyFailure('5.0.0', domino)).toEqual({ type: 'soft', reason: 'other' });
  });
});

describe('statusOf (one rule for a DSN, a provider event, a relay answer and a plain bounce)', () => {
  it.each([
    [{ status: '5.1.1' }, '5.1.1'],
    [{ status: '5.0.0', text: '550 5.1.1 user unknown' }, '5.1.1'],
    [{ status: '4.4.7', text: '550 5.1.1 user unknown' }, '4.4.7'],
    [{ status: '5.0.0', text: '450 4.2.2 full' }, '5.0.0'],
    [{ code: 550, text: '5.1.1 no such user' }, '5.1.1'],
    [{ code: 450, text: '5.1.1 user unknown' }, '4.0.0'],
    [{ text: '550 5.7.1 spam' }, '5.7.1'],
    [{ text: '452 mailbox full' }, '4.0.0'],
    [{ code: 250, text: 'ok' }, null],
    [{ status: 'bogus', text: 'nothing' }, null],
  ] as const)('%j → %s', (report, status) => {
    expect(statusOf(report)).toBe(status);
  });
});
