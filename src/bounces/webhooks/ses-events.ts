import type { Classification } from '../bounce-reasons';
import {
  classifyProviderFailure,
  detailOf,
  emailAt,
  MalformedWebhook,
  objectAt,
  ProviderVerdict,
  stringAt,
  WebhookBounce,
} from './webhook-bounce';

/** SES bounce subtypes (https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html) → what they say. */
const SUBTYPES: Record<string, ProviderVerdict> = {
  'Permanent/General': hard('other'),
  'Permanent/NoEmail': hard('user-unknown'),
  // SES did not even try: the address bounced hard or complained before (its list or the account's).
  'Permanent/Suppressed': hard('other'),
  'Permanent/OnAccountSuppressionList': hard('other'),
  'Transient/General': soft('other'),
  'Transient/MailboxFull': soft('mailbox-full'),
  'Transient/MessageTooLarge': soft('message-too-large'),
  'Transient/ContentRejected': { permanent: false, fallback: { type: 'blocked', reason: 'policy-blocked' } },
  'Transient/AttachmentRejected': { permanent: false, fallback: { type: 'blocked', reason: 'policy-blocked' } },
};

/** Neither permanent nor transient: reported, nobody suppressed on a guess. */
const UNDETERMINED: ProviderVerdict = { permanent: true, fallback: { type: 'blocked', reason: 'other' } };

/**
 * The bounces and complaints of one SES notification (the SNS message's `Message`, parsed): one per recipient.
 * Deliveries, sends, opens and the rest give none; so does a complaint whose feedback type is `not-spam`.
 * Both notification formats are read: `notificationType` (identity notifications) and `eventType` (event
 * publishing through a configuration set).
 */
export function sesBounces(notification: unknown): WebhookBounce[] {
  const n = objectAt(notification, 'Message');
  const kind = stringAt(n, 'notificationType') ?? stringAt(n, 'eventType');
  if (kind === 'Bounce') return bounces(objectAt(n.bounce, 'bounce'), messageIdOf(n.mail));
  if (kind === 'Complaint') return complaints(objectAt(n.complaint, 'complaint'), messageIdOf(n.mail));
  return [];
}

function bounces(bounce: Record<string, unknown>, messageId: string | undefined): WebhookBounce[] {
  const type = stringAt(bounce, 'bounceType', 'bounce.bounceType') ?? 'Undetermined';
  const subType = stringAt(bounce, 'bounceSubType', 'bounce.bounceSubType') ?? 'General';
  const verdict =
    SUBTYPES[`${type}/${subType}`] ??
    (type === 'Permanent' ? hard('other') : type === 'Transient' ? soft('other') : UNDETERMINED);
  return recipients(bounce.bouncedRecipients, 'bounce.bouncedRecipients').map((r, i) => {
    const name = `bounce.bouncedRecipients[${i}]`;
    const diagnostic = stringAt(r, 'diagnosticCode', `${name}.diagnosticCode`);
    const status = stringAt(r, 'status', `${name}.status`);
    return {
      email: emailAt(r, 'emailAddress', `${name}.emailAddress`),
      ...classifyProviderFailure(verdict, { status, text: diagnostic?.replace(/^smtp;\s*/i, '') }),
      messageId,
      detail: detailOf(`${type}/${subType}`, status, diagnostic),
    };
  });
}

function complaints(complaint: Record<string, unknown>, messageId: string | undefined): WebhookBounce[] {
  const feedback = stringAt(complaint, 'complaintFeedbackType', 'complaint.complaintFeedbackType');
  // An ARF "not-spam" report is the opposite of a complaint.
  if (feedback === 'not-spam') return [];
  const subType = stringAt(complaint, 'complaintSubType', 'complaint.complaintSubType');
  return recipients(complaint.complainedRecipients, 'complaint.complainedRecipients').map((r, i) => ({
    email: emailAt(r, 'emailAddress', `complaint.complainedRecipients[${i}].emailAddress`),
    type: 'complaint',
    reason: 'complaint',
    messageId,
    detail: detailOf('complaint', feedback, subType, stringAt(complaint, 'userAgent', 'complaint.userAgent')),
  }));
}

function recipients(value: unknown, name: string): Array<Record<string, unknown>> {
  if (!Array.isArray(value) || value.length === 0) throw new MalformedWebhook(`${name} must be a non-empty array`);
  if (value.length > 100) throw new MalformedWebhook(`${name} may name at most 100 recipients`);
  return value.map((r, i) => objectAt(r, `${name}[${i}]`));
}

/** Our Message-ID as sent: SES's own `mail.messageId` is not it, the original headers are. */
function messageIdOf(mail: unknown): string | undefined {
  if (!mail || typeof mail !== 'object') return undefined;
  const m = mail as Record<string, unknown>;
  const common = m.commonHeaders as Record<string, unknown> | undefined;
  if (common && typeof common.messageId === 'string') return common.messageId;
  if (!Array.isArray(m.headers)) return undefined;
  const header = (m.headers as unknown[]).find(
    (h): h is { name: string; value: string } =>
      !!h &&
      typeof (h as { name?: unknown }).name === 'string' &&
      (h as { name: string }).name.toLowerCase() === 'message-id' &&
      typeof (h as { value?: unknown }).value === 'string',
  );
  return header?.value;
}

function hard(reason: Classification['reason']): ProviderVerdict {
  return { permanent: true, fallback: { type: 'hard', reason } };
}

function soft(reason: Classification['reason']): ProviderVerdict {
  return { permanent: false, fallback: { type: 'soft', reason } };
}
