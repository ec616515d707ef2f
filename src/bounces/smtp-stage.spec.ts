import { refusalStage, stageNear } from './smtp-stage';

describe('refusalStage', () => {
  it.each([
    ['550 5.1.1 <ada@example.jp>: User unknown (in reply to RCPT TO command)', 'rcpt'],
    ['550 Unknown user ada@example.jp (in reply to end of DATA command)', 'data'],
    ['SMTP error from remote mail server after MAIL FROM:<we@example.org> SIZE=1234: 550 No such domain', 'mail'],
    ['SMTP error from remote mail server after RCPT TO:<ada@example.jp>: 550 5.1.1 no such user', 'rcpt'],
    ['SMTP error from remote server for TEXT command, host: mx.example.jp reason: 550 5.7.1 spam', 'data'],
    ['>>> MAIL FROM:<we@example.org> <<< 550 SC-004 messages from 192.0.2.1 were not sent', 'mail'],
    ['>>> RCPT To:<ada@example.jp> <<< 550 5.1.1 User unknown', 'rcpt'],
    ['>>> DATA <<< 550 Unknown user ada@example.jp 554 5.0.0 Service unavailable', 'data'],
    ['>>> DATA <<< 550 ada@example.jp... No such user <<< 503 Issue RCPT TO: command before DATA command', 'rcpt'],
    ['>>> DATA <<< 550-Verification failed <<< 503 Valid RCPT command must precede DATA', 'rcpt'],
    ['550 5.1.1 user unknown', null],
  ] as const)('%s → %s', (text, stage) => {
    expect(refusalStage(text)).toBe(stage);
  });
});

describe('stageNear', () => {
  it('reads the command from the lines around the address, not from another address', () => {
    const human = [
      '<ada@example.jp>: host mx.example.jp[192.0.2.1] said: 550 Unknown user',
      '    ada@example.jp (in reply to end of DATA command)',
      '',
      '',
      '',
      '',
      '<bob@example.jp>: host mx.example.jp[192.0.2.1] said: 550 5.1.1 User unknown',
      '    (in reply to RCPT TO command)',
    ].join('\n');
    expect(stageNear(human, 'ADA@example.jp')).toBe('data');
    expect(stageNear(human, 'bob@example.jp')).toBe('rcpt');
    expect(stageNear(human, 'eve@example.jp')).toBeNull();
  });
});
