import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mailgunBounces } from './mailgun-events';
import { postmarkBounces } from './postmark-events';
import { sendgridBounces } from './sendgrid-events';
import { sesBounces } from './ses-events';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../../test/fixtures/webhooks', name), 'utf8')) as Record<
    string,
    unknown
  > & { 'event-data': Record<string, unknown> };
const brief = (found: Array<{ email: string; type: string; reason: string; messageId?: string }>) =>
  found.map(({ email, type, reason, messageId }) => ({ email, type, reason, messageId }));

describe('Provider events read into bounces (the providers’ published samples)', () => {
  it('SES: a permanent bounce is hard by its 5.1.1, a complaint a complaint, both tied by Message-ID', () => {
    expect(brief(sesBounces(fixture('ses-bounce-permanent.json')))).toEqual([
      { email: 'jane@example.com', type: 'hard', reason: 'user-unknown', messageId: 'custom-message-ID' },
    ]);
    expect(brief(sesBounces(fixture('ses-complaint.json')))).toEqual([
      { email: 'richard@example.com', type: 'complaint', reason: 'complaint', messageId: 'custom-message-ID' },
    ]);
    expect(brief(sesBounces(fixture('ses-bounce-simulator.json')))).toEqual([
      { email: 'bounce@simulator.amazonses.com', type: 'hard', reason: 'user-unknown', messageId: undefined },
    ]);
  });

  it('SES: subtypes decide when the diagnostic says nothing, and a transient bounce is never hard', () => {
    const bounce = (bounceType: string, bounceSubType: string, diagnosticCode?: string) =>
      sesBounces({
        notificationType: 'Bounce',
        bounce: { bounceType, bounceSubType, bouncedRecipients: [{ emailAddress: 'a@example.com', diagnosticCode }] },
        mail: {},
      })[0];
    expect(bounce('Permanent', 'NoEmail')).toMatchObject({ type: 'hard', reason: 'user-unknown' });
    expect(bounce('Permanent', 'Suppressed')).toMatchObject({ type: 'hard' });
    expect(bounce('Permanent', 'OnAccountSuppressionList')).toMatchObject({ type: 'hard' });
    expect(bounce('Transient', 'MailboxFull')).toMatchObject({ type: 'soft', reason: 'mailbox-full' });
    expect(bounce('Transient', 'MessageTooLarge')).toMatchObject({ type: 'soft', reason: 'message-too-large' });
    expect(bounce('Transient', 'ContentRejected')).toMatchObject({ type: 'blocked' });
    expect(bounce('Transient', 'AttachmentRejected')).toMatchObject({ type: 'blocked' });
    expect(bounce('Transient', 'General', 'smtp; 550 5.1.1 user unknown')).toMatchObject({ type: 'soft' });
    expect(bounce('Permanent', 'General', 'smtp; 552 5.2.2 mailbox full')).toMatchObject({
      type: 'soft',
      reason: 'mailbox-full',
    });
    expect(bounce('Permanent', 'General', 'smtp; 550 5.7.1 message rejected as spam')).toMatchObject({
      type: 'blocked',
    });
    expect(bounce('Undetermined', 'Undetermined')).toMatchObject({ type: 'blocked', reason: 'other' });
    expect(sesBounces({ notificationType: 'Delivery', mail: {}, delivery: {} })).toEqual([]);
    expect(
      sesBounces({ eventType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: 'a@b.c' }] } }),
    ).toHaveLength(1);
    expect(
      sesBounces({
        notificationType: 'Complaint',
        complaint: { complaintFeedbackType: 'not-spam', complainedRecipients: [{ emailAddress: 'a@b.c' }] },
      }),
    ).toEqual([]);
  });

  it('SendGrid: bounce, dropped and spamreport count; processed, deferred, delivered and unsubscribe do not', () => {
    expect(brief(sendgridBounces(fixture('sendgrid-events.json')))).toEqual([
      {
        email: 'example@test.com',
        type: 'hard',
        reason: 'user-unknown',
        messageId: '<14c5d75ce93.dfd.64b469@ismtpd-555>',
      },
      { email: 'example@test.com', type: 'hard', reason: 'other', messageId: '<14c5d75ce93.dfd.64b469@ismtpd-555>' },
      {
        email: 'example@test.com',
        type: 'complaint',
        reason: 'complaint',
        messageId: '<14c5d75ce93.dfd.64b469@ismtpd-555>',
      },
    ]);
    // type "blocked" is SendGrid's word for a refusal it will not call permanent: nobody suppressed.
    const [blocked] = sendgridBounces(fixture('sendgrid-blocked-no-mx.json'));
    expect(blocked.type).not.toBe('hard');
  });

  it('Postmark: HardBounce hard, SpamComplaint a complaint, AutoResponder and deliveries nothing', () => {
    expect(brief(postmarkBounces(fixture('postmark-bounce.json')))).toEqual([
      { email: 'john@example.com', type: 'hard', reason: 'other', messageId: undefined },
    ]);
    expect(brief(postmarkBounces(fixture('postmark-spam-complaint.json')))).toEqual([
      { email: 'john@example.com', type: 'complaint', reason: 'complaint', messageId: undefined },
    ]);
    const bounce = (Type: string, Details = '') =>
      postmarkBounces({ ...fixture('postmark-bounce.json'), Type, Details, Metadata: { message_id: '<x@y>' } });
    expect(bounce('AutoResponder')).toEqual([]);
    expect(bounce('SoftBounce', 'smtp;550 5.1.1 user unknown')[0]).toMatchObject({
      type: 'soft',
      attemptOf: 'postmark:883953f4-6105-42a2-a16a-77a8eac79483',
    });
    expect(bounce('HardBounce')[0].attemptOf).toBeUndefined();
    expect(bounce('HardBounce', 'smtp;552 5.2.2 mailbox full')[0]).toMatchObject({
      type: 'soft',
      reason: 'mailbox-full',
    });
    expect(bounce('Blocked')[0]).toMatchObject({ type: 'blocked', messageId: '<x@y>' });
    expect(bounce('SpamNotification')[0]).toMatchObject({ type: 'blocked', reason: 'spam-blocked' });
    expect(bounce('SpamComplaint')[0]).toMatchObject({ type: 'complaint' });
    expect(postmarkBounces({ RecordType: 'Delivery', Email: 'a@b.c' })).toEqual([]);
  });

  it('Mailgun: permanent suppress-bounce hard, temporary over-quota soft, complained a complaint', () => {
    expect(brief(mailgunBounces(fixture('mailgun-failed-permanent.json')['event-data']))).toEqual([
      {
        email: 'alice@example.com',
        type: 'hard',
        reason: 'other',
        messageId: '20130503192659.13651.20287@sandbox.mailgun.org',
      },
    ]);
    expect(brief(mailgunBounces(fixture('mailgun-failed-temporary.json')['event-data']))).toEqual([
      {
        email: 'alice@example.com',
        type: 'soft',
        reason: 'mailbox-full',
        messageId: '20120101000000.1234567.1234@sandbox.mailgun.org',
      },
    ]);
    expect(brief(mailgunBounces(fixture('mailgun-complained.json')['event-data']))).toEqual([
      {
        email: 'alice@example.com',
        type: 'complaint',
        reason: 'complaint',
        messageId: '20110215055645.25246.63817@sandbox.mailgun.org',
      },
    ]);
    const failed = (reason: string, code: number, message: string) =>
      mailgunBounces({
        ...fixture('mailgun-failed-permanent.json')['event-data'],
        reason,
        'delivery-status': { code, message, description: '' },
      })[0];
    expect(failed('bounce', 550, '5.1.1 The email account that you tried to reach does not exist')).toMatchObject({
      type: 'hard',
      reason: 'user-unknown',
    });
    expect(failed('bounce', 554, '5.7.1 Message rejected as spam')).toMatchObject({ type: 'blocked' });
    expect(failed('suppress-unsubscribe', 606, '')).toBeUndefined();
    expect(failed('old', 421, 'Too old')).toMatchObject({ type: 'soft', reason: 'expired' });
    const temporary = fixture('mailgun-failed-temporary.json')['event-data'];
    expect(mailgunBounces(temporary)[0].attemptOf).toBe('20120101000000.1234567.1234@sandbox.mailgun.org');
    expect(mailgunBounces({ ...temporary, reason: 'old' })[0]).toMatchObject({ type: 'soft', reason: 'expired' });
    expect(mailgunBounces({ ...temporary, reason: 'old' })[0].attemptOf).toBeUndefined();
    expect(mailgunBounces({ ...temporary, message: { headers: {} } })).toEqual([]);
  });

  it('refuses bodies that are not the documented shape with a message naming the field', () => {
    expect(() => sesBounces({ notificationType: 'Bounce', bounce: { bouncedRecipients: [] } })).toThrow(
      'bounce.bouncedRecipients must be a non-empty array',
    );
    expect(() =>
      sesBounces({ notificationType: 'Bounce', bounce: { bouncedRecipients: [{ emailAddress: 'nope' }] } }),
    ).toThrow('bounce.bouncedRecipients[0].emailAddress must be an email address');
    expect(() => sendgridBounces({ event: 'bounce' })).toThrow('must be a JSON array of events');
    expect(() => sendgridBounces([{ event: 'bounce' }])).toThrow('[0].email is required');
    expect(() => postmarkBounces({ RecordType: 'Bounce', Email: 'a@b.c' })).toThrow('Type is required');
    expect(() => mailgunBounces({ event: 'failed', recipient: 42 })).toThrow('event-data.recipient must be a string');
  });
});
