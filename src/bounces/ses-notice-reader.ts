import type { ClassifiedBounce } from './bounce-reasons';
import type { MimeMessage } from './mime-message';
import { sesBounces } from './webhooks/ses-events';

/** SNS mails its notifications from here, with the notification's id in x-amz-sns-message-id. */
const SNS_SENDER = /@sns\.amazonaws\.com>?\s*$/i;

/**
 * An Amazon SES notification mailed by SNS (an "email" or "email-json" subscription): its body is the JSON SES
 * posts to a webhook, read by the same code as the webhook (ses-events.ts). Null when the message is no such
 * notice or its JSON cannot be read; an empty list for a notice that is no bounce (a delivery).
 */
export function readSesNotice(message: MimeMessage): ClassifiedBounce[] | null {
  if (!SNS_SENDER.test(message.header('from')) && !message.header('x-amz-sns-message-id')) return null;
  const notification = sesNotification(message.email.text ?? message.rawBody);
  if (!notification) return null;
  try {
    return sesBounces(notification).map((b) => ({
      email: b.email,
      type: b.type,
      reason: b.reason,
      diagnostic: b.detail,
      ...(b.messageId ? { messageId: b.messageId } : {}),
    }));
  } catch {
    // Not what SES documents: left to the other readers.
    return null;
  }
}

/** The SES notification in a body: bare ("email"), or as the Message string of an SNS envelope ("email-json"). */
function sesNotification(body: string): unknown {
  // The mail folds long lines by breaking them before a space, inside strings too; SNS's footer follows "--".
  const json = body
    .split(/\r?\n--\r?\n/, 1)[0]
    .replace(/\r?\n /g, '')
    .trim();
  if (!json.startsWith('{')) return null;
  try {
    const parsed = JSON.parse(json) as Record<string, unknown>;
    if (parsed.Type === 'Notification' && typeof parsed.Message === 'string') return JSON.parse(parsed.Message);
    return parsed;
  } catch {
    return null;
  }
}
