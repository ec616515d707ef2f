import { MalformedWebhook, objectAt, requiredString, stringAt } from './webhook-bounce';

/** Only AWS's SNS endpoints serve signing certificates and confirm subscriptions. */
const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

export type SnsMessageType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

export interface SnsMessage {
  Type: SnsMessageType;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: '1' | '2';
  Signature: string;
  SigningCertURL: string;
  Subject?: string;
  Token?: string;
  SubscribeURL?: string;
}

const TYPES: SnsMessageType[] = ['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation'];

/** An SNS HTTP(S) delivery (https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html), or a 400. */
export function readSnsMessage(body: unknown): SnsMessage {
  const m = objectAt(body, 'the body');
  const type = requiredString(m, 'Type');
  if (!TYPES.includes(type as SnsMessageType)) throw new MalformedWebhook(`Type must be one of ${TYPES.join(', ')}`);
  const version = requiredString(m, 'SignatureVersion');
  if (version !== '1' && version !== '2') throw new MalformedWebhook('SignatureVersion must be "1" or "2"');
  const message: SnsMessage = {
    Type: type as SnsMessageType,
    MessageId: requiredString(m, 'MessageId'),
    TopicArn: requiredString(m, 'TopicArn'),
    Message: stringAt(m, 'Message') ?? '',
    Timestamp: requiredString(m, 'Timestamp'),
    SignatureVersion: version,
    Signature: requiredString(m, 'Signature'),
    SigningCertURL: requiredString(m, 'SigningCertURL'),
    Subject: stringAt(m, 'Subject'),
    Token: stringAt(m, 'Token'),
    SubscribeURL: stringAt(m, 'SubscribeURL'),
  };
  if (type !== 'Notification' && (!message.Token || !message.SubscribeURL))
    throw new MalformedWebhook(`${type} needs Token and SubscribeURL`);
  return message;
}

/** The text SNS signed: chosen fields as "name\nvalue\n", in this order (the AWS documentation's algorithm). */
export function snsStringToSign(m: SnsMessage): string {
  const fields =
    m.Type === 'Notification'
      ? (['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const)
      : (['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const);
  return fields
    .filter((f) => m[f] !== undefined)
    .map((f) => `${f}\n${m[f]}\n`)
    .join('');
}

/** An https URL on an SNS host, or null: a signing certificate or subscription URL anywhere else is refused. */
export function snsUrl(value: string): URL | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return null;
  return SNS_HOST.test(url.hostname) ? url : null;
}
