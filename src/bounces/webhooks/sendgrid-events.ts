import {
  classifyProviderFailure,
  detailOf,
  emailAt,
  MalformedWebhook,
  objectAt,
  stringAt,
  WebhookBounce,
} from './webhook-bounce';

/** At most this many events in one POST (SendGrid batches them; a batch is far smaller in practice). */
export const SENDGRID_BATCH_LIMIT = 5000;

/**
 * The bounces and complaints in a SendGrid event webhook batch (a JSON array of events,
 * https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event):
 * - `bounce` with `type: bounce` is a permanent failure, `type: blocked` a refusal SendGrid calls temporary;
 *   either is read with our classifier from `status` and `reason`.
 * - `dropped`: SendGrid did not send. "Bounced Address" and "Invalid" are hard, "Spam Reporting Address" a
 *   complaint; "Unsubscribed Address" is no bounce; anything else (spam content, bad headers) is blocked.
 * - `spamreport` is a complaint.
 * - `deferred` is not: SendGrid is still trying, and its final outcome comes as a `bounce` or `delivered`.
 * Our Message-ID comes back as `smtp-id` when the message went through SendGrid's SMTP relay.
 */
export function sendgridBounces(batch: unknown): WebhookBounce[] {
  if (!Array.isArray(batch)) throw new MalformedWebhook('must be a JSON array of events');
  if (batch.length > SENDGRID_BATCH_LIMIT)
    throw new MalformedWebhook(`may hold at most ${SENDGRID_BATCH_LIMIT} events`);
  const found: WebhookBounce[] = [];
  batch.forEach((value, i) => {
    const event = objectAt(value, `[${i}]`);
    const bounce = readEvent(event, `[${i}]`);
    if (bounce) found.push(bounce);
  });
  return found;
}

function readEvent(e: Record<string, unknown>, name: string): WebhookBounce | null {
  const kind = stringAt(e, 'event', `${name}.event`);
  if (kind !== 'bounce' && kind !== 'dropped' && kind !== 'spamreport') return null;
  const email = emailAt(e, 'email', `${name}.email`);
  const messageId = stringAt(e, 'smtp-id', `${name}.smtp-id`);
  const reason = stringAt(e, 'reason', `${name}.reason`);
  if (kind === 'spamreport') return { email, type: 'complaint', reason: 'complaint', messageId, detail: 'spamreport' };
  if (kind === 'dropped') {
    const why = (reason ?? '').toLowerCase();
    const base = { email, messageId, detail: detailOf('dropped', reason) };
    if (why.includes('unsubscribed')) return null;
    if (why.includes('spam reporting')) return { ...base, type: 'complaint', reason: 'complaint' };
    if (why.includes('bounced address')) return { ...base, type: 'hard', reason: 'other' };
    if (why.startsWith('invalid') && !why.includes('header') && !why.includes('smtpapi'))
      return { ...base, type: 'hard', reason: 'user-unknown' };
    return { ...base, type: 'blocked', reason: 'policy-blocked' };
  }
  const type = stringAt(e, 'type', `${name}.type`) ?? 'bounce';
  const status = typeof e.status === 'string' ? e.status : undefined;
  const verdict =
    type === 'blocked'
      ? { permanent: false, fallback: { type: 'blocked' as const, reason: 'policy-blocked' as const } }
      : { permanent: true, fallback: { type: 'hard' as const, reason: 'other' as const } };
  return {
    email,
    ...classifyProviderFailure(verdict, { status, text: reason }),
    messageId,
    detail: detailOf(`bounce/${type}`, status, reason),
  };
}
