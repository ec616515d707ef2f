import { execFileSync } from 'node:child_process';
import { randomUUID, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snsStringToSign, SnsMessage } from '../../src/bounces/webhooks/sns-message';

export const TEST_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:ses-bounces';
export const TEST_CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem';

/**
 * Stands in for AWS's SNS signing: a self-signed RSA certificate made with the openssl CLI, and messages
 * signed the way SNS signs them (SignatureVersion 1: SHA1, 2: SHA256).
 */
export class SnsSigner {
  readonly certPem: string;
  private readonly keyPem: string;

  constructor(days = 1) {
    const dir = mkdtempSync(join(tmpdir(), 'sns-cert-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-subj',
          '/CN=sns.amazonaws.com',
          '-days',
          String(days),
        ].concat(['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]),
        { stdio: 'ignore' },
      );
      this.keyPem = readFileSync(join(dir, 'key.pem'), 'utf8');
      this.certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** An SNS Notification carrying `message` (an object is sent as its JSON). */
  notification(message: unknown, overrides: Partial<SnsMessage> = {}): SnsMessage {
    return this.signed({
      Type: 'Notification',
      MessageId: randomUUID(),
      TopicArn: TEST_TOPIC_ARN,
      Subject: 'Amazon SES Email Event Notification',
      Message: typeof message === 'string' ? message : JSON.stringify(message),
      Timestamp: new Date().toISOString(),
      SignatureVersion: '1',
      Signature: '',
      SigningCertURL: TEST_CERT_URL,
      ...overrides,
    });
  }

  subscriptionConfirmation(subscribeUrl: string, overrides: Partial<SnsMessage> = {}): SnsMessage {
    const token = randomUUID().replace(/-/g, '');
    return this.signed({
      Type: 'SubscriptionConfirmation',
      MessageId: randomUUID(),
      Token: token,
      TopicArn: TEST_TOPIC_ARN,
      Message: `You have chosen to subscribe to the topic ${TEST_TOPIC_ARN}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
      SubscribeURL: subscribeUrl,
      Timestamp: new Date().toISOString(),
      SignatureVersion: '2',
      Signature: '',
      SigningCertURL: TEST_CERT_URL,
      ...overrides,
    });
  }

  /** Signs the message as it stands (fields changed after signing break the signature, as they should). */
  signed(m: SnsMessage): SnsMessage {
    const algorithm = m.SignatureVersion === '1' ? 'sha1' : 'sha256';
    const signature = sign(algorithm, Buffer.from(snsStringToSign(m), 'utf8'), this.keyPem).toString('base64');
    return { ...m, Signature: signature };
  }
}
