import { DataSource } from 'typeorm';
import { Message } from '../../src/delivery/message.entity';
import { EngagementRecorder } from '../../src/tracking/engagement-recorder.service';
import { ReceivedMail, SmtpSink } from './smtp-sink';
import { TestApp } from './test-app';

/** The URLs of one received campaign mail, as a mail client sees them. */
export interface MailLinks {
  /** the open pixel's src */
  pixel: string;
  /** every tracked link (href through /c/), in order */
  clicks: string[];
  /** from the List-Unsubscribe header */
  unsubscribe: string;
}

export function linksOf(mail: ReceivedMail): MailLinks {
  const html = mail.parsed.html ?? '';
  const pixel = /<img src="(https?:\/\/[^"]+\/o\/[^"]+)"/.exec(html)?.[1];
  const clicks = [...html.matchAll(/href="(https?:\/\/[^"]+\/c\/[^"]+)"/g)].map((m) => m[1]);
  const unsubscribe = /^<([^>]+)>$/.exec(mail.headers.get('list-unsubscribe')?.[0] ?? '')?.[1];
  if (!pixel || !unsubscribe) throw new Error('the mail has no pixel or no List-Unsubscribe');
  return { pixel, clicks, unsubscribe };
}

/** The path of a URL of the service (what supertest requests). */
export const pathOf = (url: string) => new URL(url).pathname;

/** The same token with one character changed. */
export function tampered(url: string): string {
  const at = url.lastIndexOf('/') + 6;
  return url.slice(0, at) + (url[at] === 'A' ? 'B' : 'A') + url.slice(at + 1);
}

export interface SentCampaign {
  id: string;
  /** mail by recipient address */
  mails: Map<string, ReceivedMail>;
  /** message row by recipient address */
  messages: Map<string, Message>;
}

/** Creates a campaign through the API, sends it, and waits until it is sent and every mail reached the sink. */
export async function sendCampaign(
  t: TestApp,
  sink: SmtpSink,
  editor: string,
  /** `mjml`, `templateId`, or `contentFormat` and `content`, and any other field of the create body */
  body: { name?: string; subject?: string; listIds: string[]; [field: string]: unknown },
  expected: number,
): Promise<SentCampaign> {
  const auth = { Authorization: `Bearer ${editor}` };
  const created = await t
    .http()
    .post('/api/campaigns')
    .set(auth)
    .send({ name: 'Campaign', subject: 'News', ...body })
    .expect(201);
  const id: string = created.body.id;
  await t.http().post(`/api/campaigns/${id}/send`).set(auth).send({}).expect(202);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await t.http().get(`/api/campaigns/${id}`).set(auth).expect(200);
    if (res.body.status === 'sent') break;
    if (Date.now() > deadline) throw new Error(`campaign ${id} is still ${res.body.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const ofCampaign = (m: ReceivedMail) => (m.headers.get('feedback-id') ?? []).some((v) => v.startsWith(id));
  const received = expected ? await sink.waitFor(ofCampaign, expected) : [];
  const rows = await t.app.get(DataSource).getRepository(Message).findBy({ campaignId: id });
  return { id, mails: new Map(received.map((m) => [m.to[0], m])), messages: new Map(rows.map((r) => [r.toEmail, r])) };
}

/** Writes the opens and clicks the service has buffered (it does so on its own within a quarter second). */
export function flushTracking(t: TestApp): Promise<void> {
  return t.app.get(EngagementRecorder).flush();
}

/** Moves a message's delivery back in time, so a click on it is not taken for a scanner's at delivery. */
export async function deliveredAgo(t: TestApp, messageId: string, ms: number): Promise<void> {
  await t.app
    .get(DataSource)
    .getRepository(Message)
    .update({ id: messageId }, { sentAt: new Date(Date.now() - ms) });
}
