import { needsConfirmation, signupAction } from './signup-rules';

describe('signupAction', () => {
  it('leaves a confirmed membership alone on either kind of list', () => {
    expect(signupAction('confirmed', 'single')).toBe('none');
    expect(signupAction('confirmed', 'double')).toBe('none');
  });

  it('confirms a new membership of a single opt-in list at once, without mail', () => {
    expect(signupAction(undefined, 'single')).toBe('confirm');
    expect(needsConfirmation('confirm')).toBe(false);
  });

  it('creates an unconfirmed membership of a double opt-in list and asks by mail', () => {
    expect(signupAction(undefined, 'double')).toBe('create-pending');
    expect(needsConfirmation('create-pending')).toBe(true);
  });

  it('asks by mail before bringing back an unsubscribed or unconfirmed member, whatever the opt-in', () => {
    for (const optIn of ['single', 'double'] as const) {
      expect(signupAction('unsubscribed', optIn)).toBe('ask');
      expect(signupAction('unconfirmed', optIn)).toBe('ask');
    }
    expect(needsConfirmation('ask')).toBe(true);
    expect(needsConfirmation('none')).toBe(false);
  });
});
