import { randomUUID } from 'node:crypto';
import { messageOfVerp } from '../bounces/verp';
import { toTransportMail } from './outgoing-mail';

const sender = { mailFrom: 'News <news@example.com>', appSecret: 's'.repeat(40) };
const mail = { to: 'Ada <ada@example.org>', subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' };

describe('toTransportMail: the envelope sender', () => {
  it('is the VERP address naming the message row when BOUNCE_DOMAIN is set', () => {
    const ref = randomUUID();
    const out = toTransportMail({ ...mail, ref }, { ...sender, bounceDomain: 'bounce.example.com' });
    const envelope = out.envelope as { from: string; to: string };
    expect(envelope.to).toBe('ada@example.org');
    expect(envelope.from).toMatch(/^news\+[a-z2-7]{34}@bounce\.example\.com$/);
    expect(messageOfVerp({ bounceDomain: 'bounce.example.com', appSecret: sender.appSecret }, envelope.from)).toBe(ref);
    expect(out.from).toBe('News <news@example.com>');
  });

  it('is left to MAIL_FROM without BOUNCE_DOMAIN, or for mail with no message row', () => {
    expect(toTransportMail({ ...mail, ref: randomUUID() }, sender).envelope).toBeUndefined();
    expect(toTransportMail(mail, { ...sender, bounceDomain: 'bounce.example.com' }).envelope).toBeUndefined();
  });
});
