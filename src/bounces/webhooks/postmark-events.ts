import type { Classification } from '../bounce-reasons';
import {
  classifyProviderFailure,
  detailOf,
  emailAt,
  MalformedWebhook,
  objectAt,
  ProviderVerdict,
  requiredString,
  stringAt,
  WebhookBounce,
} from './webhook-bounce';

/**
 * Postmark's bounce types (https://postmarkapp.com/developer/api/bounce-api#bounce-types) → what they say.
 * Types that are no failure to deliver (AutoResponder, Subscribe, ChallengeVerification, OpenRelayTest,
 * ManuallyDeactivated, Unconfirmed, InboundError, TemplateRenderingFailed…) are absent: no effect.
 */
const BOUNCE_TYPES: Record<string, ProviderVerdict> = {
  HardBounce: { permanent: true, fallback: { type: 'hard', reason: 'other' } },
  BadEmailAddress: { permanent: true, fallback: { type: 'hard', reason: 'user-unknown' } },
  AddressChange: { permanent: true, fallback: { type: 'hard', reason: 'mailbox-disabled' } },
  SoftBounce: { permanent: false, fallback: { type: 'soft', reason: 'other' } },
  Transient: { permanent: false, fallback: { type: 'soft', reason: 'other' } },
  DnsError: { permanent: false, fallback: { type: 'soft', reason: 'connection-failed' } },
  Blocked: { permanent: false, fallback: { type: 'blocked', reason: 'policy-blocked' } },
  SpamNotification: { permanent: false, fallback: { type: 'blocked', reason: 'spam-blocked' } },
  VirusNotification: { permanent: false, fallback: { type: 'blocked', reason: 'virus' } },
  DMARCPolicy: { permanent: false, fallback: { type: 'blocked', reason: 'auth-failed' } },
  Unknown: { permanent: true, fallback: { type: 'blocked', reason: 'other' } },
  SMTPApiError: { permanent: false, fallback: { type: 'blocked', reason: 'other' } },
};

const COMPLAINT: Classification = { type: 'complaint', reason: 'complaint' };

/**
 * The bounce or complaint of one Postmark webhook (https://postmarkapp.com/developer/webhooks/bounce-webhook,
 * spam-complaint-webhook, subscription-change-webhook). Postmark's `MessageID` is its own; ours is taken from
 * `Metadata` (`message_id`/`messageId`, set with an `X-PM-Metadata-message_id` header) when present.
 * Deliveries, opens and clicks give nothing.
 */
export function postmarkBounces(body: unknown): WebhookBounce[] {
  const b = objectAt(body, 'the body');
  const record = requiredString(b, 'RecordType');
  if (record === 'SpamComplaint') return [withEmail(b, COMPLAINT, detailOf('SpamComplaint', stringAt(b, 'Details')))];
  if (record === 'SubscriptionChange') return subscriptionChange(b);
  if (record !== 'Bounce') return [];
  const type = stringAt(b, 'Type');
  if (!type) throw new MalformedWebhook('Type is required');
  if (type === 'SpamComplaint') return [withEmail(b, COMPLAINT, detailOf('SpamComplaint', stringAt(b, 'Details')))];
  const verdict = BOUNCE_TYPES[type];
  if (!verdict) return [];
  const details = stringAt(b, 'Details');
  const classification = classifyProviderFailure(verdict, { text: details?.replace(/^smtp;\s*/i, '') });
  const bounce = withEmail(b, classification, detailOf(type, details));
  // Postmark may report a message's delays and soft bounces more than once; its MessageID names the message.
  const postmarkId = stringAt(b, 'MessageID');
  return [verdict.permanent || !postmarkId ? bounce : { ...bounce, attemptOf: `postmark:${postmarkId}` }];
}

/** A broadcast stream reports bounces only as suppressions: those from a hard bounce or a complaint count. */
function subscriptionChange(b: Record<string, unknown>): WebhookBounce[] {
  if (b.SuppressSending !== true) return [];
  const why = stringAt(b, 'SuppressionReason');
  if (why === 'HardBounce')
    return [withEmail(b, { type: 'hard', reason: 'other' }, 'suppressed: HardBounce', 'Recipient')];
  if (why === 'SpamComplaint') return [withEmail(b, COMPLAINT, 'suppressed: SpamComplaint', 'Recipient')];
  return [];
}

function withEmail(b: Record<string, unknown>, c: Classification, detail: string, field = 'Email'): WebhookBounce {
  return { email: emailAt(b, field), ...c, messageId: ourMessageId(b.Metadata), detail };
}

function ourMessageId(metadata: unknown): string | undefined {
  if (!metadata || typeof metadata !== 'object') return undefined;
  const m = metadata as Record<string, unknown>;
  const id = m.message_id ?? m.messageId ?? m['message-id'];
  return typeof id === 'string' ? id : undefined;
}
