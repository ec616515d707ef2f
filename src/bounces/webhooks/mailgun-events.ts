import {
  classifyProviderFailure,
  detailOf,
  emailAt,
  objectAt,
  ProviderVerdict,
  stringAt,
  WebhookBounce,
} from './webhook-bounce';

const PERMANENT: ProviderVerdict = { permanent: true, fallback: { type: 'hard', reason: 'other' } };
const TEMPORARY: ProviderVerdict = { permanent: false, fallback: { type: 'soft', reason: 'other' } };

/**
 * The bounce or complaint of one Mailgun webhook's `event-data`
 * (https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/webhook-payloads):
 * - `failed` with `severity: permanent`: `suppress-bounce` (Mailgun's bounce list) is hard, `suppress-complaint`
 *   a complaint, `suppress-unsubscribe` nothing, `old` (given up after retrying) soft; any other reason is read
 *   from `delivery-status` (code, message, description) with our classifier.
 * - `failed` with `severity: temporary` is one attempt of a delivery Mailgun retries for hours, one webhook each:
 *   soft (or blocked, by its text), never hard, marked as an attempt so that only a message's first counts; without
 *   a Message-ID attempts cannot be told apart and are left out. Its last (`reason: old`) is soft `expired`.
 * - `complained` is a complaint. Other events give nothing.
 * Our Message-ID comes back in `message.headers.message-id` (without angle brackets).
 */
export function mailgunBounces(eventData: unknown): WebhookBounce[] {
  const e = objectAt(eventData, 'event-data');
  const kind = stringAt(e, 'event', 'event-data.event');
  if (kind !== 'failed' && kind !== 'complained') return [];
  const email = emailAt(e, 'recipient', 'event-data.recipient');
  const messageId = messageIdOf(e.message);
  if (kind === 'complained')
    return [{ email, type: 'complaint', reason: 'complaint', messageId, detail: 'complained' }];

  const severity = stringAt(e, 'severity', 'event-data.severity');
  const reason = stringAt(e, 'reason', 'event-data.reason');
  const status =
    e['delivery-status'] && typeof e['delivery-status'] === 'object'
      ? (e['delivery-status'] as Record<string, unknown>)
      : {};
  const code = typeof status.code === 'number' ? status.code : Number(status.code) || null;
  const text = [status.message, status.description].filter((s) => typeof s === 'string' && s).join(' ');
  const enhanced = typeof status['enhanced-code'] === 'string' ? status['enhanced-code'] : null;
  const detail = detailOf(`failed/${severity ?? '?'}`, reason, code, enhanced, text);
  const base = { email, messageId, detail };
  // Mailgun gave up retrying (its final event says so whichever severity it carries).
  if (reason === 'old') return [{ ...base, type: 'soft', reason: 'expired' }];
  if (severity === 'permanent') {
    if (reason === 'suppress-unsubscribe') return [];
    if (reason === 'suppress-complaint') return [{ ...base, type: 'complaint', reason: 'complaint' }];
    if (reason === 'suppress-bounce') return [{ ...base, type: 'hard', reason: 'other' }];
    return [{ ...base, ...classifyProviderFailure(PERMANENT, { code, status: enhanced, text }) }];
  }
  if (!messageId) return [];
  return [{ ...base, ...classifyProviderFailure(TEMPORARY, { code, status: enhanced, text }), attemptOf: messageId }];
}

function messageIdOf(message: unknown): string | undefined {
  const headers = (message as { headers?: Record<string, unknown> } | undefined)?.headers;
  const id = headers && typeof headers === 'object' ? headers['message-id'] : undefined;
  return typeof id === 'string' && id ? id : undefined;
}
