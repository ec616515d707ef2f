import { readFileSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import nodemailer from 'nodemailer';
import { DataSource } from 'typeorm';
import { BOUNCE_LISTENER_MAX_CLIENTS, BounceListener } from '../src/bounces/bounce-listener';
import { BounceMailbox } from '../src/bounces/bounce-mailbox';
import { messageOfVerp } from '../src/bounces/verp';
import { Message } from '../src/delivery/message.entity';
import { SuppressionRepository } from '../src/delivery/suppression.repository';
import { suppressionHash } from '../src/delivery/suppression.service';
import { BuiltInTemplates } from '../src/templates/built-in-templates';
import { sendCampaign } from './support/campaign-mail';
import { makeApiKey, makeList, makeSubscriber, uniqueTag } from './support/factories';
import { freePort } from './support/free-port';
import { ImapServer } from './support/imap-server';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';
import { until } from './support/until';

const BOUNCE_DOMAIN = 'bounces.mailcourier.test';
const MJML = '<mjml><mj-body><mj-section><mj-column><mj-text>Hello</mj-text></mj-column></mj-section></mj-body></mjml>';
const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures/bounces', name));

/** Connects to `port` as an SMTP client and waits for the server's first line (its greeting or its refusal). */
function greetingOf(port: number): Promise<{ socket: Socket; line: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\r\n')) resolve({ socket, line: text.split('\r\n')[0] });
    });
  });
}

/**
 * A bounce that names no recipient and no message: only the VERP address it was sent to ties it to a reader.
 * (Real ones: MTAs that quote neither the recipient nor the original headers.)
 */
const NAMELESS = Buffer.from(
  [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>',
    'Subject: Mail delivery failed: returning message to sender',
    'Date: Thu, 3 Dec 2026 06:00:00 +0000',
    'Message-ID: <nameless-1@mx.example.net>',
    '',
    'This message was created automatically by mail delivery software.',
    '',
    'A message that you sent could not be delivered to its recipient.',
    'The remote server said: 550 5.1.1 The email account that you tried to reach does not exist.',
    '',
  ].join('\r\n'),
);

/**
 * Bounces find their way in: a campaign goes out with VERP envelope senders; real bounce messages (their own
 * recipient and original headers as they are) come back to those addresses through the bounce SMTP listener and
 * through the IMAP mailbox; the right readers are suppressed, with the reason, before the next campaign.
 */
describe('bounces find their way in: VERP, the bounce listener and the mailbox (e2e)', () => {
  let sink: SmtpSink;
  let imap: ImapServer;
  let t: TestApp;
  let editor: string;
  let bouncePort: number;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    imap = await new ImapServer().start();
    t = await createTestApp({
      SMTP_URL: sink.url,
      MAIL_FROM: 'Letters <letters@mailcourier.test>',
      BOUNCE_DOMAIN,
      BOUNCE_SMTP_PORT: String(await freePort()),
      BOUNCE_IMAP_URL: imap.url,
    });
    bouncePort = t.app.get(BounceListener).port!;
    editor = await t.tokenFor('editor');
  });
  afterAll(async () => {
    await t?.close();
    await imap?.stop();
    await sink?.stop();
  });

  const verpOf = (address: string) =>
    messageOfVerp({ bounceDomain: BOUNCE_DOMAIN, appSecret: t.config.appSecret }, address);

  /** A client of the bounce listener, as a remote MTA would connect (no TLS). */
  const listenerClient = () =>
    nodemailer.createTransport({ host: '127.0.0.1', port: bouncePort, secure: false, ignoreTLS: true });

  /** Sends a raw bounce to `to` through the listener, as a remote MTA would (null envelope sender). */
  async function bounceThroughListener(to: string, raw: Buffer): Promise<void> {
    const transport = listenerClient();
    try {
      await transport.sendMail({ envelope: { from: '', to }, raw });
    } finally {
      transport.close();
    }
  }

  /** Puts a bounce into the mailbox as the delivering MTA leaves it there (Postfix adds these two headers). */
  async function bounceIntoMailbox(to: string, raw: Buffer): Promise<void> {
    await imap.append(Buffer.concat([Buffer.from(`Delivered-To: ${to}\r\nX-Original-To: ${to}\r\n`), raw]));
  }

  async function suppression(email: string) {
    return t.app.get(SuppressionRepository).findAmong([suppressionHash(email)]);
  }

  it('sends with VERP envelope senders, reads bounces from the listener and the mailbox, and the next campaign skips the hard ones', async () => {
    const list = await makeList(t);
    const tag = uniqueTag();
    const readers = [
      'hard-smtp',
      'hard-imap',
      'hard-exim-imap',
      'nameless-smtp',
      'soft-smtp',
      'blocked-imap',
      'auto-smtp',
      'quiet',
    ];
    const emails = new Map<string, string>();
    for (const who of readers) {
      const email = `${who}-${tag}@readers.example`;
      emails.set(who, email);
      await makeSubscriber(t, { email, lists: { [list.id]: 'confirmed' } });
    }
    const first = await sendCampaign(t, sink, editor, { mjml: MJML, listIds: [list.id] }, readers.length);

    // Every message's envelope sender is the VERP address of its own message row; From stays MAIL_FROM.
    const verp = new Map<string, string>();
    for (const [who, email] of emails) {
      const mail = first.mails.get(email)!;
      expect(mail.from).toMatch(new RegExp(`^letters\\+[a-z2-7]{34}@${BOUNCE_DOMAIN.replace(/\./g, '\\.')}$`));
      expect(verpOf(mail.from)).toBe(first.messages.get(email)!.id);
      expect(mail.parsed.from?.address).toBe('letters@mailcourier.test');
      verp.set(who, mail.from);
    }

    // The listener refuses any recipient that is no valid VERP address of ours.
    const refused = (to: string) =>
      bounceThroughListener(to, fixture('flufl-postfix-01.eml')).then(
        () => null,
        (e) => e,
      );
    expect(await refused(`postmaster@${BOUNCE_DOMAIN}`)).toMatchObject({ responseCode: 550 });
    const token = verp.get('quiet')!;
    const flipped = token.replace(/([a-z2-7])@/, (_, c: string) => `${c === 'a' ? 'b' : 'a'}@`);
    expect(await refused(flipped)).toMatchObject({ responseCode: 550 });
    expect(await refused(token.replace(BOUNCE_DOMAIN, 'elsewhere.example'))).toMatchObject({ responseCode: 550 });

    // Through the listener: each answered 250 only once recorded. The fixtures name other addresses.
    await bounceThroughListener(verp.get('hard-smtp')!, fixture('flufl-postfix-01.eml'));
    await bounceThroughListener(verp.get('nameless-smtp')!, NAMELESS);
    await bounceThroughListener(verp.get('soft-smtp')!, fixture('bp-quota.eml'));
    await bounceThroughListener(verp.get('auto-smtp')!, fixture('bp-autoreply.eml'));
    // A VERP address in upper case (some MTAs change the case of the local part) still names its message.
    expect(verpOf(verp.get('soft-smtp')!.toUpperCase())).toBe(first.messages.get(emails.get('soft-smtp')!)!.id);

    // Through the mailbox: appended unseen, read by a round of the poller (it also runs every minute).
    await bounceIntoMailbox(verp.get('hard-imap')!, fixture('bp-no-such-domain.eml'));
    await bounceIntoMailbox(verp.get('hard-exim-imap')!, fixture('flufl-exim-01.eml'));
    await bounceIntoMailbox(verp.get('blocked-imap')!, fixture('bp-spam-rejection.eml'));
    const round = await t.app.get(BounceMailbox).poll();
    expect(round).toEqual({ ran: true, processed: 3 });
    // Read, flagged and moved: nothing left unseen, all in Processed.
    expect(await imap.count('INBOX')).toEqual({ total: 0, unseen: 0 });
    expect(await imap.count('Processed')).toEqual({ total: 3, unseen: 0 });

    // Hard bounces suppress, with the reason; the message is 'bounced'.
    const rows = t.app.get(DataSource).getRepository(Message);
    for (const [who, reason] of [
      ['hard-smtp', 'user-unknown'],
      ['hard-imap', 'domain-unknown'],
      ['hard-exim-imap', 'user-unknown'],
      ['nameless-smtp', 'user-unknown'],
    ]) {
      const email = emails.get(who)!;
      const found = await suppression(email);
      expect({ who, reason: found?.reason }).toEqual({ who, reason: 'hard-bounce' });
      expect(found?.detail).toContain(reason);
      expect(found?.detail).not.toContain(email);
      expect((await rows.findOneByOrFail({ id: first.messages.get(email)!.id })).status).toBe('bounced');
    }
    // One soft bounce, a blocked one, an auto-reply: nobody suppressed.
    for (const who of ['soft-smtp', 'blocked-imap', 'auto-smtp', 'quiet']) {
      expect({ who, suppressed: await suppression(emails.get(who)!) }).toEqual({ who, suppressed: null });
    }
    const eventsOf = async (who: string) => {
      const id = first.messages.get(emails.get(who)!)!.id;
      const res = await t.http().get(`/api/messages/${id}`).set('Authorization', `Bearer ${editor}`).expect(200);
      return res.body.events as Array<{ type: string; detail: Record<string, unknown> | null }>;
    };
    expect((await eventsOf('soft-smtp')).find((e) => e.type === 'deferred')?.detail).toMatchObject({
      type: 'soft',
      reason: 'mailbox-full',
    });
    expect((await eventsOf('blocked-imap')).find((e) => e.type === 'blocked')?.detail).toMatchObject({
      type: 'blocked',
      reason: 'spam-blocked',
    });
    expect((await eventsOf('auto-smtp')).map((e) => e.type)).toEqual(['sent']);

    // The same bounce again (a mailbox read twice after a crash, an MTA retrying): nothing changes.
    await bounceThroughListener(verp.get('soft-smtp')!, fixture('bp-quota.eml'));
    await bounceThroughListener(verp.get('hard-smtp')!, fixture('flufl-postfix-01.eml'));
    expect(await suppression(emails.get('soft-smtp')!)).toBeNull();
    expect((await eventsOf('hard-smtp')).filter((e) => e.type === 'bounced')).toHaveLength(1);

    // The next campaign skips the suppressed readers, and only them.
    const kept = ['soft-smtp', 'blocked-imap', 'auto-smtp', 'quiet'];
    const second = await sendCampaign(t, sink, editor, { mjml: MJML, listIds: [list.id] }, kept.length);
    expect([...second.mails.keys()].sort()).toEqual(kept.map((who) => emails.get(who)!).sort());
  }, 120_000);

  it('order mail goes out from its VERP address too, and a bounce to it marks that message', async () => {
    const key = await makeApiKey(t, ['transactional:send']);
    const email = `order-${uniqueTag()}@readers.example`;
    const sample = t.app.get(BuiltInTemplates).get('order-placed')!.sample;
    const res = await t
      .http()
      .post('/api/transactional/messages')
      .set('Authorization', `Bearer ${key}`)
      .send({ template: 'order-placed', to: { email }, data: sample })
      .expect(202);
    const [mail] = await sink.waitFor((m) => m.to.includes(email));
    expect(verpOf(mail.from)).toBe(res.body.id);
    const rows = t.app.get(DataSource).getRepository(Message);
    await until(async () => (await rows.findOneByOrFail({ id: res.body.id })).status === 'sent', 'status sent');
    await bounceThroughListener(mail.from, fixture('bp-exchange-unknown.eml'));
    expect((await rows.findOneByOrFail({ id: res.body.id })).status).toBe('bounced');
    expect((await suppression(email))?.reason).toBe('hard-bounce');
  });

  it('advertises its 10 MB limit (SIZE): a bounce declared larger is not sent', async () => {
    const to = `letters+${'a'.repeat(34)}@${BOUNCE_DOMAIN}`;
    const transport = listenerClient();
    try {
      const err = await transport
        .sendMail({ envelope: { from: '', to, size: 11 * 1024 * 1024 }, raw: fixture('bp-quota.eml') })
        .then(
          () => null,
          (e: unknown) => e,
        );
      // nodemailer keeps to the advertised SIZE itself; a client that does not gets 552 after DATA.
      expect(String(err)).toContain('larger than allowed 10485760');
    } finally {
      transport.close();
    }
  });

  it(`serves at most ${BOUNCE_LISTENER_MAX_CLIENTS} clients at once: one more is told 421, and is let in once one leaves`, async () => {
    const listener = t.app.get(BounceListener);
    await until(() => listener.connectedClients === 0, 'the earlier clients to be gone');
    const held: Socket[] = [];
    try {
      // One after another: the server counts a client when it connects, and answers it a little later.
      for (let n = 0; n < BOUNCE_LISTENER_MAX_CLIENTS; n++) {
        const { socket, line } = await greetingOf(bouncePort);
        held.push(socket);
        expect(line).toMatch(/^220 /);
      }
      const extra = await greetingOf(bouncePort);
      extra.socket.destroy();
      expect(extra.line).toMatch(/^421 .*Too many connected clients/);

      held.pop()!.end('QUIT\r\n');
      await until(() => listener.connectedClients < BOUNCE_LISTENER_MAX_CLIENTS, 'a client to leave');
      const next = await greetingOf(bouncePort);
      held.push(next.socket);
      expect(next.line).toMatch(/^220 /);
    } finally {
      for (const socket of held) socket.destroy();
    }
  });

  it('reads one mailbox from one process at a time (a Redis lock), and reads nothing twice', async () => {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const key = `${t.config.queuePrefix}:bounce-mailbox-lock`;
    try {
      await redis.set(key, 'another process', 'PX', 60_000);
      await bounceIntoMailbox(`someone+${'a'.repeat(34)}@${BOUNCE_DOMAIN}`, fixture('bp-autoreply.eml'));
      expect(await t.app.get(BounceMailbox).poll()).toEqual({ ran: false, processed: 0 });
      expect(await imap.count('INBOX')).toEqual({ total: 1, unseen: 1 });
      await redis.del(key);
      // A message whose VERP address fails its check is read like a POST of it: an auto-reply records nothing.
      expect(await t.app.get(BounceMailbox).poll()).toEqual({ ran: true, processed: 1 });
      expect(await t.app.get(BounceMailbox).poll()).toEqual({ ran: true, processed: 0 });
      expect(await imap.count('INBOX')).toEqual({ total: 0, unseen: 0 });
    } finally {
      await redis.quit();
    }
  });
});
